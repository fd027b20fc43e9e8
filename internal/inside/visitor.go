package inside

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// A Visitor runs functions inside many namespaces of one type, one after
// the other, on one OS thread of its own: Run creates and ends a thread
// for each call, which costs more than the work when a scan reads the
// hostname of hundreds of uts namespaces. The thread is locked from start
// to end and hops from namespace to namespace of the Visitor's type; no
// other goroutine ever runs on it, and Close ends it, so it never goes
// back to the Go runtime's pool in a foreign namespace (the same rules as
// Run's threads, see Run). Its other namespaces stay this program's.
//
// A Visitor's Run calls are served one at a time, in order; it may be
// used from several goroutines.
type Visitor struct {
	nstype int
	visits chan visit
	closed chan struct{}
}

// visit is one function to run inside one namespace.
type visit struct {
	nsPath string
	fn     func() error
	errc   chan error
}

// NewVisitor starts the thread of a Visitor of namespaces of type nstype
// (a CLONE_NEW* flag that Joinable accepts).
func NewVisitor(nstype int) (*Visitor, error) {
	if !Joinable(nstype) {
		return nil, fmt.Errorf("visit %s namespaces: %w", typeName(nstype), ErrNotJoinable)
	}
	v := &Visitor{nstype: nstype, visits: make(chan visit), closed: make(chan struct{})}
	started := make(chan error, 1)
	go v.serve(started)
	if err := <-started; err != nil {
		return nil, err
	}
	return v, nil
}

// serve is the Visitor's thread: it locks itself, leaves the main thread
// alone (see Run), makes its root and working directory its own for a
// mount namespace, and runs the visits until Close. It returns locked,
// which ends the thread.
func (v *Visitor) serve(started chan<- error) {
	runtime.LockOSThread()
	if unix.Gettid() == unix.Getpid() {
		go v.serve(started)
		<-v.closed
		runtime.UnlockOSThread()
		return
	}
	if v.nstype == unix.CLONE_NEWNS {
		if err := unix.Unshare(unix.CLONE_FS); err != nil {
			started <- fmt.Errorf("unshare(CLONE_FS) before visiting mount namespaces: %w", err)
			return
		}
	}
	started <- nil
	for {
		select {
		case vis := <-v.visits:
			vis.errc <- v.join(vis.nsPath, vis.fn)
		case <-v.closed:
			return
		}
	}
}

// join moves the thread into the namespace at nsPath and runs fn there.
// A setns that fails leaves the thread where it was, which only the next
// visit's setns will change: fn does not run then.
func (v *Visitor) join(nsPath string, fn func() error) error {
	fd, err := unix.Open(nsPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", nsPath, err)
	}
	err = unix.Setns(fd, v.nstype)
	unix.Close(fd)
	if err != nil {
		return fmt.Errorf("setns %s %s: %w", typeName(v.nstype), nsPath, err)
	}
	return fn()
}

// Run runs fn on the Visitor's thread once it has joined the namespace at
// nsPath, and returns fn's error. fn must do its work on the goroutine it
// is called on, as with the package's Run. It must not be called after
// Close.
func (v *Visitor) Run(nsPath string, fn func() error) error {
	errc := make(chan error, 1)
	v.visits <- visit{nsPath: nsPath, fn: fn, errc: errc}
	return <-errc
}

// Close ends the Visitor's thread.
func (v *Visitor) Close() { close(v.closed) }
