package schema

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/nstest"
)

// TestRoundTripHost scans the real host with everything, with namespaces
// of every type, a bound netns, an fd-held netns and a thread in a netns of
// its own made for the test, writes the snapshot, reads it back and writes
// it again: the bytes are the same, and what the test made is in the
// snapshot read back.
func TestRoundTripHost(t *testing.T) {
	nstest.RequireRoot(t)
	nested := nstest.StartNested(t)
	bound := nstest.AddNetns(t, nstest.Name+"-schema")
	fdHeld, holder := nstest.StartFDHeld(t)
	tid := nstest.StartThreadInNetns(t)

	snap, err := inspect.Scan(t.Context(), inspect.Everything())
	if err != nil {
		t.Fatal(err)
	}
	var first bytes.Buffer
	if err := Write(&first, snap, snap.SortedNamespaces(), display.NewUsers().Name); err != nil {
		t.Fatal(err)
	}
	doc, err := Read(bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	if err := Write(&second, doc.Snapshot, doc.Namespaces, doc.UserName); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Errorf("written again, the snapshot read back differs: %s", firstDifference(first.Bytes(), second.Bytes()))
	}

	back := doc.Snapshot
	if back.Self() != snap.Self() || back.Initial != snap.Initial || back.InitialPID != snap.InitialPID || !back.Taken.Equal(snap.Taken) {
		t.Errorf("read back: self %v initial %v pid %d taken %v; want %v %v %d %v",
			back.Self(), back.Initial, back.InitialPID, back.Taken, snap.Self(), snap.Initial, snap.InitialPID, snap.Taken)
	}
	if back.Parts != snap.Parts || back.DetailTypes != snap.DetailTypes {
		t.Errorf("read back: parts %b detail types %b; want %b %b", back.Parts, back.DetailTypes, snap.Parts, snap.DetailTypes)
	}
	for pid, orig := range snap.Processes {
		if p := back.Processes[pid]; p == nil || p.Read != orig.Read || p.Key() != orig.Key() {
			t.Errorf("process %d read back as %+v, scanned as %+v", pid, p, orig)
			break
		}
	}
	check := func(what string, id nstest.ID) *inspect.Namespace {
		t.Helper()
		nsid := inspect.NamespaceID{Dev: id.Dev, Ino: id.Ino}
		orig, ns := snap.Namespaces[nsid], back.Namespaces[nsid]
		if orig == nil || ns == nil {
			t.Errorf("%s %v: scanned %v, read back %v; want both", what, id, orig != nil, ns != nil)
			return nil
		}
		if got, want := pids(ns.Processes), pids(orig.Processes); !slices.Equal(got, want) {
			t.Errorf("%s: members %v read back, %v scanned", what, got, want)
		}
		if ns.Serial != orig.Serial || ns.Owner != orig.Owner || ns.Parent != orig.Parent {
			t.Errorf("%s: serial %d owner %v parent %v read back, %d %v %v scanned", what, ns.Serial, ns.Owner, ns.Parent, orig.Serial, orig.Owner, orig.Parent)
		}
		if !slices.Equal(ns.Holders, orig.Holders) {
			t.Errorf("%s: holders %v read back, %v scanned", what, ns.Holders, orig.Holders)
		}
		return ns
	}
	for _, typ := range nstest.Types {
		ns := check("nested "+typ, nested.NS[typ])
		if ns != nil && ns.Lowest().PID != nested.Lowest(typ) {
			t.Errorf("nested %s: lowest pid %d read back, want %d", typ, ns.Lowest().PID, nested.Lowest(typ))
		}
	}
	if uts := check("nested uts", nested.NS["uts"]); uts != nil && (uts.Details.UTS == nil || uts.Details.UTS.Hostname != nstest.NestedHostname) {
		t.Errorf("nested uts: details %+v read back, want hostname %q", uts.Details, nstest.NestedHostname)
	}
	if tns := check("nested time", nested.NS["time"]); tns != nil && (tns.Details.Time == nil || tns.Details.Time.Monotonic != nstest.NestedMonotonic || tns.Details.Time.Boottime != nstest.NestedBoottime) {
		t.Errorf("nested time: details %+v read back, want offsets %v and %v", tns.Details.Time, nstest.NestedMonotonic, nstest.NestedBoottime)
	}
	if ns := check("bound netns", bound); ns != nil && !slices.ContainsFunc(ns.Holders, func(h inspect.Holder) bool {
		return h.Kind == inspect.HeldByMount && h.Path == "/run/netns/"+nstest.Name+"-schema"
	}) {
		t.Errorf("bound netns: holders %v, want its /run/netns mount", ns.Holders)
	}
	if ns := check("fd-held netns", fdHeld); ns != nil && !slices.Contains(ns.Holders, inspect.Holder{Kind: inspect.HeldByFD, PID: holder, FD: 3}) {
		t.Errorf("fd-held netns: holders %v, want fd 3 of %d", ns.Holders, holder)
	}
	counted := 0
	for id, orig := range snap.Namespaces {
		ns := back.Namespaces[id]
		if orig.Details.Net == nil || ns == nil || ns.Details.Net == nil {
			continue
		}
		for i, ifc := range orig.Details.Net.Interfaces {
			got := ns.Details.Net.Interfaces[i].Stats
			if (got == nil) != (ifc.Stats == nil) || got != nil && *got != *ifc.Stats {
				t.Errorf("net %v %s: counters %+v read back, %+v scanned", id, ifc.Name, got, ifc.Stats)
			}
			if ifc.Stats != nil {
				counted++
			}
		}
	}
	if counted == 0 {
		t.Error("no interface with counters in the snapshot")
	}
	check("thread's netns", nstest.MustIDAt(t, fmt.Sprintf("/proc/self/task/%d/ns/net", tid)))
	if p := back.Processes[tid]; p == nil || !p.IsThread() || p.TGID != os.Getpid() {
		t.Errorf("thread %d read back as %+v, want a thread of %d", tid, p, os.Getpid())
	}
}

func pids(procs []*inspect.Process) []int {
	out := make([]int, len(procs))
	for i, p := range procs {
		out[i] = p.PID
	}
	return out
}

// firstDifference shows where two outputs part.
func firstDifference(a, b []byte) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	start := max(0, n-200)
	return fmt.Sprintf("at byte %d of %d and %d:\n%s\n<<<>>>\n%s", n, len(a), len(b), a[start:min(len(a), n+200)], b[start:min(len(b), n+200)])
}
