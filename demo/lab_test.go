package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/nstest"
	"github.com/nsdive/nsdive/internal/sandbox"
)

// TestMain fails the run if the tests left a lab behind. It looks under
// the tests' lock: another package's tests may have a lab up meanwhile.
func TestMain(m *testing.M) {
	code := m.Run()
	unlock, err := nstest.Lock(nstest.LabLock)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	left := Leftovers()
	unlock()
	if len(left) > 0 {
		fmt.Fprintf(os.Stderr, "the tests left behind:\n  %s\n", strings.Join(left, "\n  "))
		code = 1
	}
	os.Exit(code)
}

// labTest serialises the tests that build the lab, fails when a lab is
// up already (a user's: the tests would take it down), and takes down the
// test's lab at its end.
func labTest(t *testing.T) {
	t.Helper()
	nstest.RequireRoot(t)
	nstest.Serialize(t, nstest.LabLock)
	if left := Leftovers(); len(left) > 0 {
		t.Fatalf("a lab is up, or left: %v: run nsdive demo down first", left)
	}
	t.Cleanup(func() {
		injectFailure = nil
		if err := Down(Options{}); err != nil {
			t.Error(err)
		}
	})
}

// up builds the lab and returns its state.
func up(t *testing.T) State {
	t.Helper()
	if err := Up(context.Background(), Options{}); err != nil {
		t.Fatal(err)
	}
	s, found, err := readState()
	if err != nil || !found || !s.Complete {
		t.Fatalf("after Up, state %+v found %v: %v", s, found, err)
	}
	return s
}

// pidOf returns the pid of the lab's process name.
func pidOf(t *testing.T, s State, name string) int {
	t.Helper()
	for _, p := range s.Procs {
		if p.Name == name {
			return p.PID
		}
	}
	t.Fatalf("no process %s in the state %+v", name, s)
	return 0
}

// labNamespaces lists the namespaces of the lab's processes and files.
func labNamespaces(t *testing.T, s State) []sandbox.ID {
	t.Helper()
	var ids []sandbox.ID
	for _, p := range s.Procs {
		for _, typ := range nstest.Types {
			ids = append(ids, sandbox.IDOf(p.PID, typ))
		}
	}
	for _, path := range s.Netns {
		ids = append(ids, sandbox.IDAt(path))
	}
	ids = append(ids, sandbox.IDAt(fmt.Sprintf("/proc/%d/fd/%s", pidOf(t, s, Keeper), strings.Fields(heldUTS(pidOf(t, s, Keeper)))[1])))
	self := map[sandbox.ID]bool{}
	for _, typ := range nstest.Types {
		self[sandbox.IDOf(os.Getpid(), typ)] = true
	}
	return slices.DeleteFunc(ids, func(id sandbox.ID) bool { return id.IsZero() || self[id] })
}

// serials returns the kernel's never-reused ids (NS_GET_ID) of the
// namespaces ids: inode numbers are reused at once on a busy host.
func serials(t *testing.T, ids []sandbox.ID) map[uint64]string {
	t.Helper()
	snap, err := inspect.Scan(context.Background(), inspect.Options{BindMounts: true, FDs: true, ForChildren: true, Hierarchy: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint64]string{}
	for _, id := range ids {
		ns := snap.Namespaces[inspect.NamespaceID{Dev: id.Dev, Ino: id.Ino}]
		if ns == nil || ns.Serial == 0 {
			t.Fatalf("namespace %v of the lab: not found, or no serial: %+v", id, ns)
		}
		out[ns.Serial] = fmt.Sprintf("%s:[%d]", ns.Type, id.Ino)
	}
	return out
}

// checkGone fails the test if anything of the lab, or any of the
// namespaces of serials (and so the System V objects in them), exists.
// Another process's scan may hold a namespace by a descriptor for a
// moment (a busy host), so a namespace must stay for 10 s to fail.
func checkGone(t *testing.T, serials map[uint64]string) {
	t.Helper()
	if left := Leftovers(); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	var still []string
	sandbox.Poll(10*time.Second, func() bool {
		snap, err := inspect.Scan(context.Background(), inspect.Options{BindMounts: true, FDs: true, ForChildren: true, Hierarchy: true})
		if err != nil {
			t.Fatal(err)
		}
		still = still[:0]
		for _, ns := range snap.Namespaces {
			if name, ok := serials[ns.Serial]; ok {
				still = append(still, fmt.Sprintf("%s held by %v", name, snap.HolderLabels(ns)))
			}
		}
		return len(still) == 0
	})
	if len(still) > 0 {
		t.Errorf("namespaces of the lab still exist: %v", still)
	}
}

func TestUpAndDown(t *testing.T) {
	labTest(t)
	s := up(t)
	namespaces := serials(t, labNamespaces(t, s))
	if len(namespaces) < 3*8+4 {
		t.Errorf("the lab has %d namespaces of its own, want at least 28", len(namespaces))
	}
	again := up(t)
	if !slices.Equal(again.Procs, s.Procs) {
		t.Errorf("a second Up changed the processes from %v to %v", s.Procs, again.Procs)
	}
	var status strings.Builder
	if err := Status(&status); err != nil {
		t.Errorf("Status of a lab up: %v\n%s", err, status.String())
	}
	if err := Down(Options{}); err != nil {
		t.Fatal(err)
	}
	checkGone(t, namespaces)
	if err := Down(Options{}); err != nil {
		t.Errorf("a second Down: %v", err)
	}
	status.Reset()
	if err := Status(&status); !errors.Is(err, ErrIncomplete) || !strings.Contains(status.String(), "MISSING") {
		t.Errorf("Status after Down: %v, want ErrIncomplete and MISSING rows\n%s", err, status.String())
	}
}
