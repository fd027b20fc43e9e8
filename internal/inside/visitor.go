package inside

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// Visit runs fn on a fresh OS thread that fn moves from namespace to
// namespace of type nstype (a CLONE_NEW* flag that Joinable accepts) by
// calling join with a namespace file's path; it returns fn's error. Run
// costs a thread per namespace, which is more than the work when a scan
// reads the hostname of hundreds of uts namespaces; Visit costs one for
// them all, and fn's loop runs on that thread with no handoff between
// threads per namespace.
//
// The thread follows Run's rules: it is locked from start to end, no
// other goroutine ever runs on it, and it ends with Visit instead of
// going back to the Go runtime's pool in a foreign namespace; the main
// thread is never the one; for a mount namespace it first makes its root
// and working directory its own. Its other namespaces stay this
// program's. A join that fails leaves the thread where it was: fn must
// not do that namespace's work then. fn must do its work on the
// goroutine it is called on.
func Visit(nstype int, fn func(join func(nsPath string) error) error) error {
	if !Joinable(nstype) {
		return fmt.Errorf("visit %s namespaces: %w", typeName(nstype), ErrNotJoinable)
	}
	errc := make(chan error, 1)
	go visit(nstype, fn, errc)
	return <-errc
}

// visit is Visit's thread. It returns locked, which ends the thread.
func visit(nstype int, fn func(join func(nsPath string) error) error, errc chan<- error) {
	runtime.LockOSThread()
	if unix.Gettid() == unix.Getpid() {
		inner := make(chan error, 1)
		go visit(nstype, fn, inner)
		err := <-inner
		runtime.UnlockOSThread()
		errc <- err
		return
	}
	if nstype == unix.CLONE_NEWNS {
		if err := unix.Unshare(unix.CLONE_FS); err != nil {
			errc <- fmt.Errorf("unshare(CLONE_FS) before visiting mount namespaces: %w", err)
			return
		}
	}
	errc <- fn(func(nsPath string) error { return join(nsPath, nstype) })
}

// join moves the calling thread into the namespace of type nstype at
// nsPath.
func join(nsPath string, nstype int) error {
	fd, err := unix.Open(nsPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", nsPath, err)
	}
	err = unix.Setns(fd, nstype)
	unix.Close(fd)
	if err != nil {
		return fmt.Errorf("setns %s %s: %w", typeName(nstype), nsPath, err)
	}
	return nil
}
