package inside

import (
	"errors"
	"fmt"
	"iter"

	"golang.org/x/sys/unix"
)

// ErrNoWay says nothing was given that leads to a namespace.
var ErrNoWay = errors.New("no process, mount or descriptor leads to it")

// ErrNotNamespace says a way led to a file that is not a namespace: a
// descriptor number or a mount point reused since the scan.
var ErrNotNamespace = errors.New("not a namespace file (reused since the scan?)")

// ErrOtherNamespace says a way led to another namespace than the one
// wanted: the process moved, or its pid was reused, since the scan.
var ErrOtherNamespace = errors.New("leads to another namespace now")

// Way is one way to a namespace's nsfs file: a path (a /proc/PID/ns link,
// a bind mount, /proc/PID/fd/N, /proc/PID/root/MOUNTPOINT), or, when Path
// is empty, socket FD of process PID, whose network namespace it is.
type Way struct {
	Path string
	PID  int
	FD   int
	// Ino is the inode of the namespace wanted; Open fails with
	// ErrOtherNamespace when the way leads elsewhere. Zero takes any.
	Ino uint64
}

// String describes the way: its path, or "socket PID/FD".
func (w Way) String() string {
	if w.Path != "" {
		return w.Path
	}
	return fmt.Sprintf("socket %d/%d", w.PID, w.FD)
}

// Open opens the nsfs file the way leads to, read-only and close-on-exec;
// the caller closes the descriptor.
//
// Ways are found by a scan and used later, when a descriptor number or a
// mount point may lead to anything: opening a FIFO read-only would block
// and opening a device may act. So a path is first opened with O_PATH,
// which does neither, checked to be the namespace wanted, and only then
// reopened read-only through /proc/self/fd.
func (w Way) Open() (int, error) {
	if w.Path == "" {
		pidfd, err := unix.PidfdOpen(w.PID, 0)
		if err != nil {
			return -1, fmt.Errorf("pidfd_open %d: %w", w.PID, err)
		}
		defer unix.Close(pidfd)
		fd, err := SocketNamespace(pidfd, w.FD)
		if err != nil {
			return -1, err
		}
		if err := w.check(fd); err != nil {
			unix.Close(fd)
			return -1, err
		}
		return fd, nil
	}
	pathFD, err := unix.Open(w.Path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open %s: %w", w.Path, err)
	}
	defer unix.Close(pathFD)
	if err := w.check(pathFD); err != nil {
		return -1, err
	}
	fd, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", pathFD), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("reopen %s: %w", w.Path, err)
	}
	return fd, nil
}

// check fails unless fd is an nsfs file and, when w.Ino is set, the
// namespace wanted.
func (w Way) check(fd int) error {
	var fsStat unix.Statfs_t
	if err := unix.Fstatfs(fd, &fsStat); err != nil {
		return fmt.Errorf("statfs %s: %w", w, err)
	}
	if fsStat.Type != unix.NSFS_MAGIC {
		return fmt.Errorf("open %s: %w", w, ErrNotNamespace)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("stat %s: %w", w, err)
	}
	if w.Ino != 0 && st.Ino != w.Ino {
		return fmt.Errorf("open %s: %w: %d, not %d", w, ErrOtherNamespace, st.Ino, w.Ino)
	}
	return nil
}

// OpenFirst opens the first of ways that leads to a namespace file, and
// returns the last error when none does (ErrNoWay when there was none).
// ways is an iterator so that a namespace with thousands of member
// processes costs one path, not thousands, when the first one opens.
func OpenFirst(ways iter.Seq[Way]) (int, error) {
	lastErr := ErrNoWay
	for w := range ways {
		fd, err := w.Open()
		if err == nil {
			return fd, nil
		}
		lastErr = err
	}
	return -1, lastErr
}
