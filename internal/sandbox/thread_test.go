package sandbox_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/nsdive/nsdive/internal/nstest"
	"github.com/nsdive/nsdive/internal/sandbox"
	"golang.org/x/sys/unix"
)

// TestOnThrowawayThread unshares a uts namespace on a throwaway thread
// and keeps a descriptor of it: the descriptor leads to a namespace not
// this process's, and no thread of the process is left in it.
func TestOnThrowawayThread(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.ThreadNamespaces(t)
	fd := -1
	err := sandbox.OnThrowawayThread(func() error {
		if err := unix.Unshare(unix.CLONE_NEWUTS); err != nil {
			return err
		}
		var err error
		fd, err = unix.Open("/proc/thread-self/ns/uts", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	held := sandbox.IDAt(fmt.Sprintf("/proc/self/fd/%d", fd))
	if held.IsZero() || held == sandbox.IDAt("/proc/self/ns/uts") {
		t.Errorf("the descriptor leads to %v, want a new uts namespace", held)
	}
	// The runtime ends the thread a moment after its goroutine.
	var stray []string
	if !sandbox.Poll(10*time.Second, func() bool { stray = nstest.StrayThreads(t, home); return len(stray) == 0 }) {
		t.Errorf("threads left in other namespaces: %v", stray)
	}
	if err := sandbox.OnThrowawayThread(func() error { return unix.ENOSYS }); err != unix.ENOSYS {
		t.Errorf("the error of fn: %v, want ENOSYS", err)
	}
}
