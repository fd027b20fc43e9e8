package inspect

import (
	"os"
	"os/exec"
	"slices"
	"syscall"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

// boundUDP returns a UDP socket bound to a free port on the loopback, so
// that sock_diag lists it (an unbound one is in no table); the cleanup
// closes it.
func boundUDP(t *testing.T) int {
	t.Helper()
	sock, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(sock) })
	if err := unix.Bind(sock, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	return sock
}

// inodeOf returns the sockfs inode of socket fd.
func inodeOf(t *testing.T, fd int) uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

func TestOwnNetnsSockets(t *testing.T) {
	nstest.RequireRoot(t)
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(pair[0]); unix.Close(pair[1]) })
	udp := boundUDP(t)
	_, elsewhere := nstest.SocketHeldNetns(t)
	// Bound in its own namespace, it is in that namespace's tables only.
	if err := unix.Bind(elsewhere, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	own := ownNetnsSockets()
	for name, fd := range map[string]int{"a unix socket": pair[0], "a UDP socket": udp} {
		if !own[inodeOf(t, fd)] {
			t.Errorf("%s of this network namespace (inode %d) is not among its sockets", name, inodeOf(t, fd))
		}
	}
	if own[inodeOf(t, elsewhere)] {
		t.Errorf("a socket of another network namespace (inode %d) is among this one's", inodeOf(t, elsewhere))
	}
}

// TestScanManySockets scans with enough sockets open that the sockets of
// the scanner's own network namespace are placed by sock_diag: a process
// in another namespace that holds one of them is a holder of the
// scanner's namespace, and a socket of a namespace no process is in is
// still found, by asking.
func TestScanManySockets(t *testing.T) {
	nstest.RequireRoot(t)
	for range minSocketsForDiag {
		boundUDP(t)
	}
	passed := boundUDP(t)
	// A sleep in a new network namespace that holds, as descriptor 3, a
	// socket of the test's.
	f := os.NewFile(uintptr(passed), "udp")
	cmd := exec.Command("sleep", "1000")
	cmd.ExtraFiles = []*os.File{f}
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	child := cmd.Process.Pid
	self := mustNSIDAt(t, "/proc/self/ns/net")
	if !nstest.Poll(func() bool {
		return nstest.Comm(child) == "sleep" && nsOf(child, Net) != self && !nsOf(child, Net).IsZero()
	}) {
		t.Fatalf("the sleep %d did not start in a network namespace of its own", child)
	}
	id, sock := nstest.SocketHeldNetns(t)

	snap := mustScan(t, Options{FDs: true})
	if want := (Holder{Kind: HeldBySocket, PID: child, FD: 3}); !slices.Contains(snap.Namespaces[self].Holders, want) {
		t.Errorf("holders of the test's net namespace %v, want %v among them", snap.Namespaces[self].Holders, want)
	}
	if ns := snap.Namespaces[NamespaceID(id)]; ns == nil || !slices.Contains(ns.Holders, Holder{Kind: HeldBySocket, PID: os.Getpid(), FD: sock}) {
		t.Errorf("the net namespace %v held by socket %d of %d: %+v, want it held by that socket", id, sock, os.Getpid(), ns)
	}
}
