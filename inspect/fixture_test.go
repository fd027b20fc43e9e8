package inspect

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestScanFixtureTree scans a /proc made of plain files: a process whose
// links are unreadable (pid 1: its ns is a symlink loop, whose ELOOP stands
// in for the EACCES of a real pid 1), the kernel thread that stands in for it, a
// process in its own network namespace, a thread in another, a process
// with a broken stat file and one with garbled links.
func TestScanFixtureTree(t *testing.T) {
	snap, err := Scan(t.Context(), Options{ProcRoot: "testdata/proctree", Threads: true, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, pid := range []int{1, 2, 7, 8, 9, 11} {
		if snap.Processes[pid] == nil {
			t.Errorf("pid %d missing from the snapshot", pid)
		}
	}
	if snap.Processes[10] != nil {
		t.Error("pid 10, whose stat is broken, should be skipped")
	}
	if snap.InitialPID != 2 {
		t.Errorf("initial namespaces from pid %d, want 2 (pid 1's links are unreadable)", snap.InitialPID)
	}
	if got := snap.Unreadable.Processes; got != 2 {
		t.Errorf("unreadable processes = %d, want 2 (pids 1 and 11)", got)
	}
	if p := snap.Processes[7]; p == nil || p.Comm != "sleep (in net)" || p.PPID != 2 {
		t.Errorf("pid 7 = %+v, want comm %q and ppid 2", p, "sleep (in net)")
	}

	own := snap.Namespaces[NamespaceID{Ino: 4026532999}]
	if own == nil || own.Type != Net || own.NumProcs() != 1 || own.Lowest().PID != 7 {
		t.Fatalf("net namespace 4026532999 = %+v, want one member, pid 7", own)
	}
	if snap.IsInitial(own) {
		t.Error("pid 7's own network namespace is reported initial")
	}
	if diff := snap.DiffersFromInitial(snap.Processes[7]); len(diff) != 1 || diff[0] != LinkNet {
		t.Errorf("pid 7 differs from the initial namespaces in %v, want [net]", diff)
	}

	thread := snap.Processes[9]
	if thread == nil || !thread.IsThread() || thread.TGID != 8 {
		t.Fatalf("task 9 = %+v, want a thread of 8", thread)
	}
	threadNS := snap.Namespaces[NamespaceID{Ino: 4026532555}]
	if threadNS == nil || threadNS.NumProcs() != 0 || len(threadNS.Processes) != 1 {
		t.Errorf("the thread's namespace = %+v, want one member thread and NPROCS 0", threadNS)
	}

	initialNet := snap.Namespaces[NamespaceID{Ino: 4026531833}]
	if initialNet == nil || initialNet.NumProcs() != 2 {
		t.Errorf("initial net namespace = %+v, want pids 2 and 8", initialNet)
	}
}

// TestScanLazyThenFill scans the fixture lazily, which reads only links and
// owners (and stat for pids 1 and 2), then fills in one process.
func TestScanLazyThenFill(t *testing.T) {
	snap, err := Scan(t.Context(), Options{ProcRoot: "testdata/proctree", Lazy: true, Threads: true})
	if err != nil {
		t.Fatal(err)
	}
	if snap.InitialPID != 2 {
		t.Errorf("initial namespaces from pid %d, want 2: pids 1 and 2 are read in full", snap.InitialPID)
	}
	p := snap.Processes[7]
	if p == nil || p.Comm != "" || p.StartTime != 0 || p.Has(FieldStat) || p.Has(FieldNSpid) || p.Has(FieldCmdline) {
		t.Fatalf("pid 7 after a lazy scan = %+v, want no stat fields, none marked read", p)
	}
	if key := p.Key(); key != (ProcessKey{PID: 7}) {
		t.Errorf("pid 7's key before Fill = %+v, want the pid alone", key)
	}
	if thread := snap.Processes[9]; thread == nil || thread.TGID != 8 {
		t.Errorf("task 9 = %+v, want a thread of 8 found by a lazy scan", thread)
	}
	if snap.Processes[10] == nil {
		t.Error("pid 10 missing: a lazy scan does not read its broken stat, so it should be listed")
	}
	// pid 7 stands for two namespaces here: Fill must fill it once, into
	// one copy.
	filled := snap.Fill([]*Process{p, nil, p, snap.Processes[8], p})
	if len(filled) != 5 || filled[1] != nil || filled[0] != filled[2] || filled[0] != filled[4] || filled[0] == p {
		t.Fatalf("Fill returned %v, want one new copy of pid 7 at 0, 2 and 4 and nil at 1", filled)
	}
	if p.Comm != "" || p.Read != 0 || snap.Processes[7] != p {
		t.Errorf("Fill changed the snapshot's pid 7: %+v", p)
	}
	got := filled[0]
	if got.Comm != "sleep (in net)" || got.PPID != 2 || got.State != 'S' || got.StartTime != 700 {
		t.Errorf("pid 7 after Fill = %+v, want comm %q, ppid 2, state S, start time 700", got, "sleep (in net)")
	}
	if want := []string{"sleep", "infinity"}; !slices.Equal(got.Cmdline, want) {
		t.Errorf("pid 7's command line after Fill = %q, want %q", got.Cmdline, want)
	}
	if !got.Has(FieldStat|FieldNSpid|FieldCmdline) || got.Key() != (ProcessKey{PID: 7, StartTime: 700}) {
		t.Errorf("pid 7 after Fill: read %b, key %+v; want all read and key 7@700", got.Read, got.Key())
	}
}

// TestFillDropsReusedPID fills a lazily scanned process whose pid now names
// a process started after the scan: Fill must not take its stat.
func TestFillDropsReusedPID(t *testing.T) {
	snap, err := Scan(t.Context(), Options{ProcRoot: "testdata/proctree", Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	p := snap.Processes[7]
	snap.scannedBy = 600 // the fixture's pid 7 started at tick 700
	got := snap.Fill([]*Process{p})[0]
	if got.Comm != "" || got.PPID != 0 || got.Has(FieldStat) {
		t.Errorf("Fill took the stat of a process started after the scan: %+v", got)
	}
}

func TestScanWithoutThreads(t *testing.T) {
	snap, err := Scan(t.Context(), Options{ProcRoot: "testdata/proctree"})
	if err != nil {
		t.Fatal(err)
	}
	if snap.Processes[9] != nil {
		t.Error("thread 9 listed although Threads is off")
	}
}

func TestScanMissingRoot(t *testing.T) {
	if _, err := Scan(t.Context(), Options{ProcRoot: "testdata/no-such-proc"}); err == nil {
		t.Error("Scan of a missing proc root succeeded")
	}
}

// TestInitialNamespacesWithoutPID1Or2 scans a /proc as an unprivileged
// user sees it: pids 1 and 2 are unreadable and the lowest readable
// process is in user and net namespaces of its own. The initial namespaces
// come from the kernel's fixed inode numbers, not from that process. Net
// and mnt have fixed numbers only on recent kernels: a process seen in the
// fixed net namespace proves this one fixes both; where none is seen
// (proctree_isolated), both are unknown.
func TestInitialNamespacesWithoutPID1Or2(t *testing.T) {
	tests := []struct {
		tree       string
		net, mnt   uint64
		unknown    []Type
		pid50Links []Link
		pid60Links []Link
	}{
		{"proctree_unprivileged", 4026531833, 4026531832, nil, []Link{LinkMnt, LinkNet, LinkUser}, []Link{LinkMnt}},
		{"proctree_isolated", 0, 0, []Type{Mnt, Net}, []Link{LinkUser}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.tree, func(t *testing.T) {
			snap, err := Scan(t.Context(), Options{ProcRoot: filepath.Join("testdata", tt.tree)})
			if err != nil {
				t.Fatal(err)
			}
			if snap.InitialPID != 0 {
				t.Errorf("initial namespaces from pid %d, want none: pids 1 and 2 are unreadable", snap.InitialPID)
			}
			want := map[Type]uint64{Cgroup: 4026531835, IPC: 4026531839, Net: tt.net, PID: 4026531836,
				Time: 4026531834, User: 4026531837, UTS: 4026531838, Mnt: tt.mnt}
			for typ, ino := range want {
				if got := snap.Initial.Of(typ).Ino; got != ino {
					t.Errorf("initial %s namespace = %d, want %d", typ, got, ino)
				}
			}
			if got := snap.UnknownInitial(); !slices.Equal(got, tt.unknown) {
				t.Errorf("UnknownInitial() = %v, want %v", got, tt.unknown)
			}
			for _, ino := range []uint64{4026532100, 4026532101, 4026532102} {
				if ns := snap.Namespaces[NamespaceID{Ino: ino}]; ns == nil || snap.IsInitial(ns) {
					t.Errorf("namespace %d = %+v, want present and not initial", ino, ns)
				}
			}
			if got := snap.DiffersFromInitial(snap.Processes[50]); !slices.Equal(got, tt.pid50Links) {
				t.Errorf("pid 50 differs from the initial namespaces in %v, want %v", got, tt.pid50Links)
			}
			if got := snap.DiffersFromInitial(snap.Processes[60]); !slices.Equal(got, tt.pid60Links) {
				t.Errorf("pid 60 differs from the initial namespaces in %v, want %v", got, tt.pid60Links)
			}
		})
	}
}
