package inspect

import (
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// errNotJoinable is returned when asked to join a namespace that a thread
// of a multithreaded process cannot, or should not, join.
var errNotJoinable = errors.New("only uts, ipc, net and cgroup namespaces can be joined by a thread of the scanner")

// joinable reports whether a single thread of the scanner may setns into a
// namespace of type t. The kernel refuses mount and user namespaces to a
// multithreaded process (EINVAL) and time namespaces too (EUSERS); joining
// a pid namespace would only change the namespace of future children.
func joinable(t Type) bool {
	switch t {
	case UTS, IPC, Net, Cgroup:
		return true
	}
	return false
}

// runInNamespace runs fn on a fresh OS thread that has joined the namespace
// of type t at nsPath, and returns fn's error.
//
// The goroutine locks its thread and never unlocks it: when the goroutine
// returns, the Go runtime terminates the thread instead of handing it, still
// in the foreign namespace, to other goroutines. fn must do its work on the
// goroutine it is called on; a goroutine it starts runs on another thread,
// in the scanner's namespaces.
//
// The main thread is the exception: the runtime never terminates it but
// parks it for good, still in the namespace, and /proc/PID/ns shows the
// main thread's namespaces. A goroutine that lands there holds it locked,
// so that it cannot be picked again, while a second goroutine does the
// work on another thread; then it hands the untouched thread back.
func runInNamespace(nsPath string, t Type, fn func() error) error {
	if !joinable(t) {
		return fmt.Errorf("join %s namespace %s: %w", t, nsPath, errNotJoinable)
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			err := runInNamespace(nsPath, t, fn)
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		errc <- enterAndRun(nsPath, t, fn)
	}()
	return <-errc
}

// enterAndRun moves the calling thread into the namespace at nsPath and runs
// fn there. The caller has locked the thread and throws it away afterwards,
// so there is no way back to restore.
func enterAndRun(nsPath string, t Type, fn func() error) error {
	fd, err := unix.Open(nsPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", nsPath, err)
	}
	err = unix.Setns(fd, t.CloneFlag())
	unix.Close(fd)
	if err != nil {
		return fmt.Errorf("setns %s %s: %w", t, nsPath, err)
	}
	return fn()
}
