package actions

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/nsdive/nsdive/internal/nsfile"
	"golang.org/x/sys/unix"
)

// Release returns the action that unmounts a namespace persisted at path
// and removes the file, as ip netns del does. It refuses a path that is
// not an nsfs bind mount: a symlink, an ordinary file or a mount of
// another file system. The file is removed only when it is the empty
// regular file persisting makes.
func Release(path string) (*Action, error) {
	st, err := lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s does not exist: see nsdive list -o +NSFS for persisted namespaces", path)
	case err != nil:
		return nil, needRoot(fmt.Errorf("stat %s: %w", path, err))
	case st.Mode&unix.S_IFMT == unix.S_IFLNK:
		return nil, fmt.Errorf("%s is a symlink: give the file a namespace is mounted on", path)
	}
	root, err := nsfile.IsMountRoot(path)
	if err != nil {
		return nil, err
	}
	var fsStat unix.Statfs_t
	if err := unix.Statfs(path, &fsStat); err != nil {
		return nil, fmt.Errorf("statfs %s: %w", path, err)
	}
	if !root || fsStat.Type != unix.NSFS_MAGIC {
		return nil, fmt.Errorf("%s is not a persisted namespace (an nsfs bind mount): nothing to release", path)
	}
	return &Action{
		Description: "release " + path,
		Steps: []Step{{
			Command: "umount -l " + path,
			Do:      func() error { return needRoot(nsfile.Unmount(path)) },
		}, {
			Command: "rm " + path,
			Do:      func() error { return needRoot(nsfile.RemoveEmpty(path)) },
		}},
	}, nil
}
