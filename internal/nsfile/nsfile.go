// Package nsfile makes and removes the files that keep namespaces alive
// without a process: nsfs bind mounts, such as ip netns keeps under
// /run/netns. nsdive's actions (persist, release, unshare --persist, and
// the lab built with them) and the tests' fixtures (internal/nstest) use
// the same code here, so that what the tests build is what nsdive builds.
//
// Its rules: a file is created exclusively and never through a symlink,
// the mount goes onto the descriptor of the file made, and a file is
// removed only while it is still the one made.
package nsfile

import (
	"errors"
	"fmt"
	"io/fs"

	"golang.org/x/sys/unix"
)

// NetnsDir is where ip netns keeps its network namespaces, one
// bind-mounted file per name.
const NetnsDir = "/run/netns"

// MakeNetnsDir makes NetnsDir; made says whether it was missing.
func MakeNetnsDir() (made bool, err error) {
	err = unix.Mkdir(NetnsDir, 0o755)
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return false, fmt.Errorf("mkdir %s: %w", NetnsDir, err)
	}
	return err == nil, nil
}

// RemoveNetnsDir removes NetnsDir unless something is in it or mounted
// on it: the undo of MakeNetnsDir.
func RemoveNetnsDir() error {
	if err := unix.Rmdir(NetnsDir); err != nil && !errors.Is(err, unix.ENOTEMPTY) && !errors.Is(err, unix.EBUSY) {
		return fmt.Errorf("rmdir %s: %w", NetnsDir, err)
	}
	return nil
}

// BindNetnsDir bind-mounts NetnsDir on itself, as ip does when it is not
// a mount point yet, so that it can be made shared.
func BindNetnsDir() error {
	return wrap("bind-mount "+NetnsDir+" on itself", unix.Mount(NetnsDir, NetnsDir, "none", unix.MS_BIND|unix.MS_REC, ""))
}

// UnbindNetnsDir undoes BindNetnsDir, unless a namespace was persisted in
// there meanwhile (EBUSY): then the mount stays.
func UnbindNetnsDir() error {
	if err := unix.Unmount(NetnsDir, unix.UMOUNT_NOFOLLOW); err != nil && !errors.Is(err, unix.EBUSY) {
		return fmt.Errorf("umount %s: %w", NetnsDir, err)
	}
	return nil
}

// ShareNetnsDir makes NetnsDir's mount shared, recursively, so that a
// namespace mounted inside shows in the mount namespaces copied from this
// one, before and after.
func ShareNetnsDir() error {
	return wrap("make "+NetnsDir+" shared", unix.Mount("", NetnsDir, "none", unix.MS_SHARED|unix.MS_REC, ""))
}

// PrepareNetnsDir makes NetnsDir as ip netns add does: the directory, a
// bind mount of it on itself when it is not a mount point, shared.
//
// Equivalent to: mkdir -p /run/netns; mount --rbind /run/netns /run/netns; mount --make-rshared /run/netns
func PrepareNetnsDir() error {
	if _, err := MakeNetnsDir(); err != nil {
		return err
	}
	root, err := IsMountRoot(NetnsDir)
	if err != nil {
		return err
	}
	if !root {
		if err := BindNetnsDir(); err != nil {
			return err
		}
	}
	return ShareNetnsDir()
}

// IsMountRoot reports whether path is a mount point.
func IsMountRoot(path string) (bool, error) {
	var stx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_TYPE, &stx); err != nil {
		return false, fmt.Errorf("statx %s: %w", path, err)
	}
	if stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT == 0 {
		return false, fmt.Errorf("statx %s: this kernel does not say whether it is a mount point (Linux 5.8 does)", path)
	}
	return stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0, nil
}

// ErrExists says that the file to persist a namespace at is taken.
var ErrExists = errors.New("exists")

// File is a file a namespace is bound at: made exclusively and held open
// until the mount goes onto its descriptor, so that a file swapped in at
// the path meanwhile is left alone.
type File struct {
	Path string
	fd   int // -1 when not open
	made unix.Stat_t
}

// Create makes the empty file at path. O_EXCL never follows a symlink at
// the path and fails (ErrExists) when anything is there.
//
// Equivalent to: touch PATH
func Create(path string) (*File, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.EEXIST) {
		return nil, fmt.Errorf("%s: %w", path, ErrExists)
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	f := &File{Path: path, fd: fd}
	if err := unix.Fstat(fd, &f.made); err != nil {
		unix.Close(fd)
		unix.Unlink(path)
		return nil, fmt.Errorf("stat %s: %w", path, err)
	}
	return f, nil
}

// Bind bind-mounts the namespace open at nsFD on the file, through the
// file's descriptor, and closes that descriptor.
//
// Equivalent to: mount --bind /proc/PID/ns/TYPE PATH
func (f *File) Bind(nsFD int) error {
	defer f.Close()
	if f.fd < 0 {
		return fmt.Errorf("bind a namespace at %s: the file is closed", f.Path)
	}
	return unix.Mount(fmt.Sprintf("/proc/self/fd/%d", nsFD), fmt.Sprintf("/proc/self/fd/%d", f.fd), "", unix.MS_BIND, "")
}

// Close closes the file's descriptor, once the mount is made or undone.
func (f *File) Close() {
	if f.fd >= 0 {
		unix.Close(f.fd)
		f.fd = -1
	}
}

// Remove unlinks the file if it is still the one made: the undo of
// Create.
func (f *File) Remove() error {
	f.Close()
	var st unix.Stat_t
	err := unix.Lstat(f.Path, &st)
	if errors.Is(err, fs.ErrNotExist) || err == nil && (st.Dev != f.made.Dev || st.Ino != f.made.Ino) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("stat %s: %w", f.Path, err)
	}
	return wrap("remove "+f.Path, unix.Unlink(f.Path))
}

// Unmount detaches the namespace mounted at path, the undo of a Bind.
//
// Equivalent to: umount -l PATH
func Unmount(path string) error {
	return wrap("umount "+path, unix.Unmount(path, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW))
}

// RemoveEmpty removes the unmounted file at path, refusing anything but
// the empty regular file that Create makes.
//
// Equivalent to: rm PATH
func RemoveEmpty(path string) error {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return fmt.Errorf("stat %s: %w", path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size != 0 {
		return fmt.Errorf("unmounted, but left %s in place: it is not the empty file persisting makes", path)
	}
	return wrap("remove "+path, unix.Unlink(path))
}

// wrap puts what was being done before a non-nil err.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
