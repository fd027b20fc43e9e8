package inside

import (
	"errors"
	"fmt"
	"iter"

	"golang.org/x/sys/unix"
)

// ErrNoWay says nothing was given that leads to a namespace.
var ErrNoWay = errors.New("no process, mount or descriptor leads to it")

// Way is one way to a namespace's nsfs file: a path (a /proc/PID/ns link,
// a bind mount, /proc/PID/fd/N, /proc/PID/root/MOUNTPOINT), or, when Path
// is empty, socket FD of process PID, whose network namespace it is.
type Way struct {
	Path string
	PID  int
	FD   int
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
func (w Way) Open() (int, error) {
	if w.Path != "" {
		fd, err := unix.Open(w.Path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return -1, fmt.Errorf("open %s: %w", w.Path, err)
		}
		return fd, nil
	}
	pidfd, err := unix.PidfdOpen(w.PID, 0)
	if err != nil {
		return -1, fmt.Errorf("pidfd_open %d: %w", w.PID, err)
	}
	defer unix.Close(pidfd)
	return SocketNamespace(pidfd, w.FD)
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
