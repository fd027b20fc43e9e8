package actions

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/inside"
	"github.com/nsdive/nsdive/internal/nsfile"
	"golang.org/x/sys/unix"
)

// propagationFlags are the propagation types mount --make-TYPE sets, with
// their mount(2) flag.
var propagationFlags = map[string]uintptr{
	"shared":     unix.MS_SHARED,
	"slave":      unix.MS_SLAVE,
	"private":    unix.MS_PRIVATE,
	"unbindable": unix.MS_UNBINDABLE,
}

// SetPropagation returns the action that changes the propagation of the
// mount at path, in target's mount namespace, to kind (shared, slave,
// private or unbindable), and of every mount below it when recursive.
// path is read as nsenter -t PID -m reads it: from the namespace's root.
// It has no undo: a mount made shared again joins a new peer group, not
// the one it left.
//
// Equivalent to: nsenter -t PID -m mount --make-[r]KIND PATH
func SetPropagation(target Target, path, kind string, recursive bool) (*Action, error) {
	flag, ok := propagationFlags[kind]
	if !ok {
		return nil, fmt.Errorf("bad propagation %q: give shared, slave, private or unbindable", kind)
	}
	if !filepath.IsAbs(path) {
		return nil, fmt.Errorf("%s: give an absolute path in the target's mount namespace", path)
	}
	path = filepath.Clean(path)
	option := "--make-" + kind
	if recursive {
		flag |= unix.MS_REC
		option = "--make-r" + kind
	}
	// Check before anything changes that path is a mount point there.
	err := inMount(target, func() error {
		root, err := nsfile.IsMountRoot(path)
		switch {
		case errors.Is(err, unix.ENOENT):
			return fmt.Errorf("%s does not exist in the mount namespace of %s", path, target)
		case err != nil:
			return err
		case !root:
			return notMountPoint(path, target)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Action{
		Description: fmt.Sprintf("make %s %s in the mount namespace of %s", path, kind, target),
		Steps: []Step{{
			Command: fmt.Sprintf("nsenter -t %d -m mount %s %s", target.PID, option, path),
			Do: func() error {
				return inMount(target, func() error {
					err := unix.Mount("", path, "", flag, "")
					if errors.Is(err, unix.EINVAL) {
						return notMountPoint(path, target)
					}
					return needRoot(wrapErr(fmt.Sprintf("mount %s %s", option, path), err))
				})
			},
		}},
	}, nil
}

// notMountPoint says that path is no mount point where the kernel looked.
func notMountPoint(path string, target Target) error {
	return fmt.Errorf("%s is not a mount point in the mount namespace of %s: see nsdive mounts -p %d", path, target, target.PID)
}

// inMount runs fn on a thread that has joined target's mount namespace.
func inMount(target Target, fn func() error) error {
	fd, err := target.Open(inspect.Mnt)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return needRoot(inside.Run(fmt.Sprintf("/proc/self/fd/%d", fd), unix.CLONE_NEWNS, fn))
}
