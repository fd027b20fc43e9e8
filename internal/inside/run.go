package inside

import (
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// ErrNotJoinable is returned when asked to join a namespace that a thread
// of a multithreaded process cannot, or should not, join.
var ErrNotJoinable = errors.New("only uts, ipc, net, cgroup and mount namespaces can be joined by a thread of this program")

// typeNames names the CLONE_NEW* flags, for messages.
var typeNames = map[int]string{
	unix.CLONE_NEWCGROUP: "cgroup",
	unix.CLONE_NEWIPC:    "ipc",
	unix.CLONE_NEWNS:     "mnt",
	unix.CLONE_NEWNET:    "net",
	unix.CLONE_NEWPID:    "pid",
	unix.CLONE_NEWTIME:   "time",
	unix.CLONE_NEWUSER:   "user",
	unix.CLONE_NEWUTS:    "uts",
}

// typeName names the namespace type of a CLONE_NEW* flag.
func typeName(nstype int) string {
	if name, ok := typeNames[nstype]; ok {
		return name
	}
	return fmt.Sprintf("type %#x", nstype)
}

// Joinable reports whether a single thread of this program may setns into
// a namespace of type nstype (a CLONE_NEW* flag). The kernel refuses user
// namespaces to a multithreaded process (EINVAL) and time namespaces too
// (EUSERS); joining a pid namespace would only change the namespace of
// future children. A mount namespace it refuses only to a thread that
// shares its root and working directory with others, which Run's thread
// stops doing first.
func Joinable(nstype int) bool {
	switch nstype {
	case unix.CLONE_NEWUTS, unix.CLONE_NEWIPC, unix.CLONE_NEWNET, unix.CLONE_NEWCGROUP, unix.CLONE_NEWNS:
		return true
	}
	return false
}

// Run runs fn on a fresh OS thread that has joined the namespace of type
// nstype (a CLONE_NEW* flag) at nsPath, and returns fn's error.
//
// The goroutine locks its thread and never unlocks it: when the goroutine
// returns, the Go runtime terminates the thread instead of handing it, still
// in the foreign namespace, to other goroutines. fn must do its work on the
// goroutine it is called on; a goroutine it starts runs on another thread,
// in this program's namespaces.
//
// The main thread is the exception: the runtime never terminates it but
// parks it for good, still in the namespace, and /proc/PID/ns shows the
// main thread's namespaces. A goroutine that lands there holds it locked,
// so that it cannot be picked again, while a second goroutine does the
// work on another thread; then it hands the untouched thread back.
//
// For a mount namespace the thread first calls unshare(CLONE_FS): the
// kernel lets only a task whose root and working directory are its own
// change mount namespace (mntns_install), and the threads of a Go process
// share theirs. setns then moves that thread alone, with its root and
// working directory set to the namespace's root; the runtime starts new
// threads from a clean template thread while this one is locked, so none
// inherits them.
//
// Equivalent to: nsenter --net=NSPATH (or --uts, --ipc, --cgroup, --mount) COMMAND
func Run(nsPath string, nstype int, fn func() error) error {
	if !Joinable(nstype) {
		return fmt.Errorf("join %s namespace %s: %w", typeName(nstype), nsPath, ErrNotJoinable)
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			err := Run(nsPath, nstype, fn)
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		errc <- enterAndRun(nsPath, nstype, fn)
	}()
	return <-errc
}

// enterAndRun moves the calling thread into the namespace at nsPath and runs
// fn there. The caller has locked the thread and throws it away afterwards,
// so there is no way back to restore.
func enterAndRun(nsPath string, nstype int, fn func() error) error {
	if nstype == unix.CLONE_NEWNS {
		if err := unix.Unshare(unix.CLONE_FS); err != nil {
			return fmt.Errorf("unshare(CLONE_FS) before joining %s: %w", nsPath, err)
		}
	}
	if err := join(nsPath, nstype); err != nil {
		return err
	}
	return fn()
}
