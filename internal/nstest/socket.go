package nstest

import (
	"fmt"
	"testing"

	"github.com/nsdive/nsdive/internal/sandbox"
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
	var r result
	err := sandbox.OnThrowawayThread(func() error {
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("unshare a net namespace: %w", err)
		}
		r.id = IDAt("/proc/thread-self/ns/net")
		var err error
		r.sock, err = unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		return err
	})
	r.err = err
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
