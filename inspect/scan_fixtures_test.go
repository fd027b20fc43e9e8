package inspect

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// The namespaces scan_test.go scans the real /proc for, built by nstest,
// seen as this package's types.

// TestMain runs the tests, then fails the run if they left a namespace,
// mount or process behind, or a thread of this binary in another network
// namespace.
func TestMain(m *testing.M) {
	startNet := nsIDAt("/proc/thread-self/ns/net")
	code := m.Run()
	left := nstest.Leftovers()
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, task := range tasks {
		if id := nsIDAt("/proc/self/task/" + task.Name() + "/ns/net"); !id.IsZero() && id != startNet {
			left = append(left, fmt.Sprintf("thread %s in net namespace %v", task.Name(), id))
		}
	}
	if len(left) > 0 {
		fmt.Fprintf(os.Stderr, "the tests left behind:\n  %s\n", strings.Join(left, "\n  "))
		code = 1
	}
	os.Exit(code)
}

// nsIDAt returns the namespace an nsfs file or /proc link names, or the
// zero ID when it cannot be read.
func nsIDAt(path string) NamespaceID { return NamespaceID(nstest.IDAt(path)) }

// mustNSIDAt is nsIDAt that fails the test when path cannot be read.
func mustNSIDAt(t *testing.T, path string) NamespaceID {
	t.Helper()
	return NamespaceID(nstest.MustIDAt(t, path))
}

// nsOf returns the namespace of type typ of process pid.
func nsOf(pid int, typ Type) NamespaceID { return NamespaceID(nstest.IDOf(pid, typ.String())) }

// mustScan runs Scan and fails the test on error.
func mustScan(t *testing.T, opts Options) *Snapshot {
	t.Helper()
	snap, err := Scan(t.Context(), opts)
	if err != nil {
		t.Fatalf("Scan(%+v): %v", opts, err)
	}
	return snap
}

// nestedFixture is nstest.Nested: a process in new namespaces of every
// type, and the unshare that holds its pid and time namespaces.
type nestedFixture struct {
	unshare int
	init    int // pid 1 of the new pid namespace
	ns      map[Type]NamespaceID
}

func startNested(t *testing.T) *nestedFixture {
	t.Helper()
	n := nstest.StartNested(t)
	f := &nestedFixture{unshare: n.Unshare, init: n.Init, ns: make(map[Type]NamespaceID)}
	for _, typ := range Types {
		f.ns[typ] = NamespaceID(n.NS[typ.String()])
	}
	return f
}

// addNetns is nstest.AddNetns.
func addNetns(t *testing.T, name string) NamespaceID {
	t.Helper()
	return NamespaceID(nstest.AddNetns(t, name))
}

// startFDHeld is nstest.StartFDHeld.
func startFDHeld(t *testing.T) (NamespaceID, int) {
	t.Helper()
	id, holder := nstest.StartFDHeld(t)
	return NamespaceID(id), holder
}

// holderAt reports whether ns is held by a bind mount at path in mount
// namespace mntns.
func holderAt(ns *Namespace, path string, mntns NamespaceID) bool {
	return slices.Contains(ns.Holders, Holder{Kind: HeldByMount, Path: path, MountNS: mntns})
}

func pidsOf(procs []*Process) []int {
	out := make([]int, len(procs))
	for i, p := range procs {
		out[i] = p.PID
	}
	return out
}
