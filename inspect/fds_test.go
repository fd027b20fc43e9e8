package inspect

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// direntNames splits a getdents64 buffer into names, NULs dropped.
func direntNames(buf []byte) ([]string, error) {
	var names []string
	for len(buf) > 0 {
		name, rest, err := nextDirent(buf)
		if err != nil {
			return names, err
		}
		names = append(names, string(name[:len(name)-1]))
		buf = rest
	}
	return names, nil
}

func TestNextDirent(t *testing.T) {
	// getdents64 of /proc/self/fd in a process with descriptors 0-5, 7,
	// 10, 12 and 251 open.
	data, err := os.ReadFile("testdata/dirent/proc_self_fd.getdents64")
	if err != nil {
		t.Fatal(err)
	}
	names, err := direntNames(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".", "..", "0", "1", "2", "3", "4", "5", "7", "10", "12", "251"}
	if !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
	var fds []int
	for _, name := range names {
		if fd, ok := parseFDName(append([]byte(name), 0)); ok {
			fds = append(fds, fd)
		}
	}
	if want := []int{0, 1, 2, 3, 4, 5, 7, 10, 12, 251}; !slices.Equal(fds, want) {
		t.Errorf("descriptors %v, want %v", fds, want)
	}
	for _, tt := range []struct{ name, in string }{
		{"short header", "\x01\x02\x03"},
		{"record past the end", string(data[:20])},
		{"record length below the header", string(append(slices.Clone(data[:16]), 8, 0, 4, '.', 0, 0, 0, 0))},
		{"name without NUL", string(append(slices.Clone(data[:16]), 24, 0, 4, 'a', 'b', 'c', 'd', 'e'))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := nextDirent([]byte(tt.in)); err == nil {
				t.Errorf("nextDirent(%q) gave no error", tt.in)
			}
		})
	}
}

func FuzzNextDirent(f *testing.F) {
	data, err := os.ReadFile("testdata/dirent/proc_self_fd.getdents64")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, buf []byte) {
		for len(buf) > 0 {
			name, rest, err := nextDirent(buf)
			if err != nil {
				return
			}
			if len(rest) >= len(buf) || len(name) == 0 || name[len(name)-1] != 0 {
				t.Fatalf("nextDirent(%q) = %q, %d bytes left", buf, name, len(rest))
			}
			buf = rest
		}
	})
}

func TestParseFDTarget(t *testing.T) {
	tests := []struct {
		in     string
		typ    Type
		ino    uint64
		socket bool
		ok     bool
	}{
		{"net:[4026531833]", Net, 4026531833, false, true},
		{"time:[4026531834]", Time, 4026531834, false, true},
		{"socket:[45956]", 0, 45956, true, true},
		{"pipe:[45956]", 0, 0, false, false},
		{"anon_inode:[eventfd]", 0, 0, false, false},
		{"anon_inode:inotify", 0, 0, false, false},
		{"/dev/null", 0, 0, false, false},
		{"/tmp/net:[1]", 0, 0, false, false},
		{"net:[]", 0, 0, false, false},
		{"net:[12", 0, 0, false, false},
		{"net:[99999999999999999999]", 0, 0, false, false},
		{"", 0, 0, false, false},
	}
	for _, tt := range tests {
		typ, ino, socket, ok := parseFDTarget([]byte(tt.in))
		if ok != tt.ok || ok && (typ != tt.typ || ino != tt.ino || socket != tt.socket) {
			t.Errorf("parseFDTarget(%q) = %v, %d, socket %v, ok %v; want %v, %d, socket %v, ok %v",
				tt.in, typ, ino, socket, ok, tt.typ, tt.ino, tt.socket, tt.ok)
		}
	}
}

func TestScanSocketHeldNetns(t *testing.T) {
	nstest.RequireRoot(t)
	id, sock := nstest.SocketHeldNetns(t)
	snap := mustScan(t, Options{FDs: true})
	ns := snap.Namespaces[NamespaceID(id)]
	if ns == nil {
		t.Fatalf("net namespace %v held by socket %d of %d is not in the snapshot", id, sock, os.Getpid())
	}
	if ns.Type != Net || len(ns.Processes) != 0 {
		t.Errorf("type %s with processes %v, want net with none", ns.Type, pidsOf(ns.Processes))
	}
	if want := (Holder{Kind: HeldBySocket, PID: os.Getpid(), FD: sock}); !slices.Contains(ns.Holders, want) {
		t.Errorf("holders = %v, want %v among them", ns.Holders, want)
	}
	// The test process's other sockets are in its own namespace, which it
	// is a member of: they hold nothing it does not.
	self := snap.Namespaces[mustNSIDAt(t, "/proc/self/ns/net")]
	for _, h := range self.Holders {
		if h.Kind == HeldBySocket && h.PID == os.Getpid() {
			t.Errorf("the test's own net namespace lists its own socket %v as a holder", h)
		}
	}
}

// TestScanFDHeldPersisted finds a network namespace that a process opened
// through /run/netns/NAME before `ip netns del`: its descriptor's link
// reads "/", so only a stat of the descriptor tells that it is an nsfs
// file, as lsns does. The scan list runs by default must find it.
func TestScanFDHeldPersisted(t *testing.T) {
	nstest.RequireRoot(t)
	id, holder := nstest.StartFDHeldPersisted(t, nstest.Name+"-fdpersist")
	if target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/3", holder)); target != "/" {
		t.Logf("fd 3 of %d reads %q (the kernel shows a detached bind mount as \"/\")", holder, target)
	}
	snap := mustScan(t, Options{Lazy: true, FDs: true})
	ns := snap.Namespaces[NamespaceID(id)]
	if ns == nil || ns.Type != Net {
		t.Fatalf("namespace %v = %+v, want a net namespace held by fd 3 of %d", id, ns, holder)
	}
	want := Holder{Kind: HeldByFD, PID: holder, FD: 3}
	if !slices.Contains(ns.Holders, want) {
		t.Errorf("holders of %v = %+v, want %+v", id, ns.Holders, want)
	}
}
