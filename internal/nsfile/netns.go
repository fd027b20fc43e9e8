package nsfile

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/nsdive/nsdive/internal/sandbox"
	"golang.org/x/sys/unix"
)

// linkNames name the namespace types New makes by their /proc link.
var linkNames = map[int]string{
	unix.CLONE_NEWNET: "net", unix.CLONE_NEWUTS: "uts", unix.CLONE_NEWIPC: "ipc",
	unix.CLONE_NEWCGROUP: "cgroup", unix.CLONE_NEWNS: "mnt",
}

// New creates a namespace of type flag (CLONE_NEWNET, CLONE_NEWUTS,
// CLONE_NEWIPC, CLONE_NEWCGROUP or CLONE_NEWNS), runs setup inside it when
// not nil (to set a hostname, say), and returns a descriptor of it, which
// the caller closes: a thread of its own unshares into it, opens it and
// ends, so that no thread of this program stays inside and the
// descriptor is all that keeps it.
//
// Equivalent to: unshare --net sleep infinity & (then opening /proc/PID/ns/net)
func New(flag int, setup func() error) (int, error) {
	name, ok := linkNames[flag]
	if !ok {
		return -1, fmt.Errorf("make a namespace of type %#x: only net, uts, ipc, cgroup and mnt are made on a thread", flag)
	}
	fd := -1
	err := sandbox.OnThrowawayThread(func() error {
		if err := unix.Unshare(flag); err != nil {
			return fmt.Errorf("unshare a %s namespace: %w", name, err)
		}
		if setup != nil {
			if err := setup(); err != nil {
				return err
			}
		}
		var err error
		if fd, err = unix.Open("/proc/thread-self/ns/"+name, unix.O_RDONLY|unix.O_CLOEXEC, 0); err != nil {
			return fmt.Errorf("open the new %s namespace: %w", name, err)
		}
		return nil
	})
	return fd, err
}

// AddNetns creates a network namespace persisted at path, as ip netns add
// does under NetnsDir (which it prepares as ip does when path is there).
// On failure nothing it made is left but NetnsDir.
//
// Equivalent to: ip netns add NAME (for /run/netns/NAME)
func AddNetns(path string) error {
	if filepath.Dir(path) == NetnsDir {
		if err := PrepareNetnsDir(); err != nil {
			return err
		}
	}
	f, err := Create(path)
	if err != nil {
		return err
	}
	nsFD, err := New(unix.CLONE_NEWNET, nil)
	if err != nil {
		return errors.Join(err, f.Remove())
	}
	defer unix.Close(nsFD)
	if err := f.Bind(nsFD); err != nil {
		return errors.Join(wrap("bind the new network namespace at "+path, err), f.Remove())
	}
	return nil
}

// DeleteNetns unmounts the namespace persisted at path and removes the
// file, as ip netns del does.
//
// Equivalent to: ip netns del NAME (for /run/netns/NAME)
func DeleteNetns(path string) error {
	if err := Unmount(path); err != nil {
		return err
	}
	return RemoveEmpty(path)
}
