package actions

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/nsfile"
	"golang.org/x/sys/unix"
)

// NetnsDir is where ip netns keeps its network namespaces, one bind-mounted
// file per name.
const NetnsDir = nsfile.NetnsDir

// PersistSpec asks for one namespace of a target to be bind-mounted at a
// file, which keeps the namespace alive without a process in it.
type PersistSpec struct {
	Type inspect.Type
	Path string // absolute
}

// NetnsPath returns where ip netns keeps the network namespace named name,
// after checking that name is one file name.
func NetnsPath(name string) (string, error) {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") || len(name) > 255 {
		return "", fmt.Errorf("bad network namespace name %q: give a file name under %s, without '/'", name, NetnsDir)
	}
	return filepath.Join(NetnsDir, name), nil
}

// Persist returns the action that bind-mounts target's namespaces at the
// files of specs, as ip netns attach and unshare --net=FILE do. Each file
// is created exclusively, never through a symlink; a file under
// /run/netns gets that directory made and turned into a shared mount
// first, as ip does, so that ip netns and the other mount namespaces see
// it. The namespace mounted is the one checked here: the target's process
// is checked again when it is opened, so a pid reused meanwhile fails.
func Persist(target Target, specs []PersistSpec) (*Action, error) {
	if len(specs) == 0 {
		return nil, errors.New("nothing to persist: give --net NAME or --TYPE FILE")
	}
	a := &Action{Description: fmt.Sprintf("persist namespaces of %s", target)}
	seen := map[string]bool{}
	netnsDirDone := false
	for _, spec := range specs {
		if !filepath.IsAbs(spec.Path) {
			return nil, fmt.Errorf("%s: give an absolute path", spec.Path)
		}
		if seen[spec.Path] {
			return nil, fmt.Errorf("%s is given twice: one namespace per file", spec.Path)
		}
		seen[spec.Path] = true
		ino, err := targetNamespace(target, spec.Type)
		if err != nil {
			return nil, err
		}
		dir := filepath.Dir(spec.Path)
		if dir == NetnsDir && !netnsDirDone {
			steps, err := netnsDirSteps()
			if err != nil {
				return nil, err
			}
			a.Steps = append(a.Steps, steps...)
			netnsDirDone = true
		} else if err := checkDir(dir); err != nil {
			return nil, err
		}
		if _, err := lstat(spec.Path); err == nil {
			return nil, existsError(spec.Path)
		}
		a.Steps = append(a.Steps, bindSteps(target, spec, ino)...)
	}
	return a, nil
}

// existsError says that a file to persist at is taken.
func existsError(path string) error {
	return fmt.Errorf("%s already exists: choose another file (nsdive release %s removes a persisted namespace)", path, path)
}

// targetNamespace returns the inode of target's namespace of type typ.
func targetNamespace(target Target, typ inspect.Type) (uint64, error) {
	fd, err := target.Open(typ)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return 0, fmt.Errorf("stat %s namespace of %s: %w", typ, target, err)
	}
	return st.Ino, nil
}

// checkDir fails unless dir is a directory.
func checkDir(dir string) error {
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		return fmt.Errorf("%s: %w: create the directory first", dir, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// lstat stats path without following a last symlink.
func lstat(path string) (unix.Stat_t, error) {
	var st unix.Stat_t
	err := unix.Lstat(path, &st)
	return st, err
}

// netnsDirSteps make /run/netns as ip netns add does: the directory, a
// bind mount of it on itself when it is not a mount point yet, and shared
// propagation, so that a namespace mounted inside shows in the mount
// namespaces that were copied from this one and the ones copied later.
// Undo removes the directory and the bind mount only when this action
// made them and nothing else is in there now; ip leaves them for good.
func netnsDirSteps() ([]Step, error) {
	var steps []Step
	st, err := lstat(NetnsDir)
	switch {
	case errors.Is(err, unix.ENOENT):
		made := false
		steps = append(steps, Step{
			Command: "mkdir -p " + NetnsDir,
			Do: func() error {
				var err error
				made, err = nsfile.MakeNetnsDir()
				return needRoot(err)
			},
			Undo: func() error {
				if made {
					return nsfile.RemoveNetnsDir()
				}
				return nil
			},
		})
	case err != nil:
		return nil, fmt.Errorf("%s: %w", NetnsDir, err)
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		return nil, fmt.Errorf("%s is not a directory: ip netns and nsdive keep network namespaces there", NetnsDir)
	}
	mounted := false
	if err == nil {
		if mounted, err = nsfile.IsMountRoot(NetnsDir); err != nil {
			return nil, err
		}
	}
	if !mounted {
		steps = append(steps, Step{
			Command: fmt.Sprintf("mount --rbind %s %s", NetnsDir, NetnsDir),
			Do:      func() error { return needRoot(nsfile.BindNetnsDir()) },
			Undo:    nsfile.UnbindNetnsDir,
		})
	}
	steps = append(steps, Step{
		Command: "mount --make-rshared " + NetnsDir,
		Do:      func() error { return needRoot(nsfile.ShareNetnsDir()) },
	})
	return steps, nil
}

// bindSteps create the file of spec and bind-mount target's namespace,
// which has inode ino, on it.
func bindSteps(target Target, spec PersistSpec, ino uint64) []Step {
	file := &persistFile{path: spec.Path}
	mount := Step{
		Command: fmt.Sprintf("mount --bind /proc/%d/ns/%s %s", target.PID, spec.Type, spec.Path),
		Do: func() error {
			defer file.close()
			nsFD, err := target.Open(spec.Type)
			if err != nil {
				return err
			}
			defer unix.Close(nsFD)
			var st unix.Stat_t
			if err := unix.Fstat(nsFD, &st); err != nil {
				return fmt.Errorf("stat %s namespace of %s: %w", spec.Type, target, err)
			}
			if st.Ino != ino {
				return fmt.Errorf("%s moved to another %s namespace: run again", target, spec.Type)
			}
			err = file.bind(nsFD)
			if errors.Is(err, unix.EINVAL) && spec.Type == inspect.Mnt {
				// mnt_ns_loop: a mount namespace may hold only newer ones.
				return fmt.Errorf("a mount namespace can be bound only in an older one: run this from a mount namespace older than that of %s, such as the host's", target)
			}
			return needRoot(wrapErr("bind-mount the "+spec.Type.String()+" namespace at "+spec.Path, err))
		},
		Undo: file.unmount,
	}
	return []Step{file.createStep(), mount}
}

// persistFile is the file a namespace is bound at (nsfile.File), as steps:
// made by createStep, bound by bind, undone by unmount and the create
// step's undo.
type persistFile struct {
	path string
	file *nsfile.File // nil until made
}

// createStep makes the file, exclusively; undo removes it only if it is
// still the one made.
func (f *persistFile) createStep() Step {
	return Step{
		Command: "touch " + f.path,
		Do: func() error {
			file, err := nsfile.Create(f.path)
			if errors.Is(err, nsfile.ErrExists) {
				return existsError(f.path)
			}
			if err != nil {
				return needRoot(err)
			}
			f.file = file
			return nil
		},
		Undo: func() error {
			if f.file == nil {
				return nil
			}
			return f.file.Remove()
		},
	}
}

// bind bind-mounts the namespace open at nsFD on the file.
func (f *persistFile) bind(nsFD int) error {
	if f.file == nil {
		return fmt.Errorf("bind a namespace at %s: the file was not made", f.path)
	}
	return f.file.Bind(nsFD)
}

// unmount takes the bind mount off the file, the undo of a bind.
func (f *persistFile) unmount() error { return nsfile.Unmount(f.path) }

// close closes the file's descriptor once the mount is made or undone.
func (f *persistFile) close() {
	if f.file != nil {
		f.file.Close()
	}
}

// wrapErr puts what was being done before a non-nil err.
func wrapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
