package nstest

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// StartThreadInNetns moves a new thread of the test process into a new
// network namespace and returns its tid: a task whose namespaces differ
// from its leader's. On cleanup the thread's goroutine returns still
// locked to it, so the Go runtime ends the thread, and the cleanup waits
// until it is gone.
//
// The runtime never ends the main thread: a goroutine that exits locked to
// it wedges it, here in the new namespace for the rest of the test binary
// (and /proc/self/ns, which is the main thread's, would show it). So a
// goroutine that finds itself on the main thread keeps it locked while a
// second goroutine, which now cannot be scheduled there, takes its place,
// and then gives it back unchanged.
func StartThreadInNetns(t testing.TB) int {
	t.Helper()
	type started struct {
		tid int
		err error
	}
	ready := make(chan started)
	release := make(chan struct{})
	var enter func(ready chan<- started)
	enter = func(ready chan<- started) {
		runtime.LockOSThread()
		if unix.Gettid() == os.Getpid() {
			inner := make(chan started)
			go enter(inner)
			s := <-inner
			runtime.UnlockOSThread()
			ready <- s
			return
		}
		err := unix.Unshare(unix.CLONE_NEWNET)
		ready <- started{unix.Gettid(), err}
		if err == nil {
			<-release
		}
		// Returning without UnlockOSThread ends the thread.
	}
	go enter(ready)
	s := <-ready
	if s.err != nil {
		t.Fatalf("unshare(CLONE_NEWNET) on a thread: %v", s.err)
	}
	t.Cleanup(func() {
		close(release)
		task := fmt.Sprintf("/proc/self/task/%d", s.tid)
		if !Poll(func() bool { _, err := os.Stat(task); return err != nil }) {
			t.Errorf("thread %d in a new net namespace is still running", s.tid)
		}
	})
	return s.tid
}
