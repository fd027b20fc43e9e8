package nstest

import (
	"fmt"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// SocketHeldNetns creates a network namespace that only a socket of this
// process holds: a thread unshares a new network namespace, creates a UDP
// socket there and exits, and the runtime throws the thread away, so no
// task is left in the namespace. It returns the namespace and the socket's
// descriptor; the cleanup closes it, which frees the namespace.
//
// Equivalent to: a program that runs unshare(CLONE_NEWNET) and socket() on
// one thread, then ends that thread.
func SocketHeldNetns(t testing.TB) (ID, int) {
	t.Helper()
	type result struct {
		id   ID
		sock int
		err  error
	}
	done := make(chan result, 1)
	var inThread func()
	inThread = func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			// The runtime never ends the main thread: keep it locked
			// here, untouched, while another thread does the work.
			go inThread()
			return
		}
		// The thread is never unlocked: it ends with this goroutine,
		// still in the new namespace.
		var r result
		if r.err = unix.Unshare(unix.CLONE_NEWNET); r.err != nil {
			r.err = fmt.Errorf("unshare a net namespace: %w", r.err)
			done <- r
			return
		}
		r.id = IDAt("/proc/thread-self/ns/net")
		r.sock, r.err = unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		done <- r
	}
	go inThread()
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.id.IsZero() {
		unix.Close(r.sock)
		t.Fatal("cannot read the new net namespace of the thread")
	}
	t.Cleanup(func() { unix.Close(r.sock) })
	return r.id, r.sock
}
