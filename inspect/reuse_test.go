package inspect

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// fakeTask is a process in a /proc tree built by a test.
type fakeTask struct {
	pid, ppid, threads int
	state              byte
	start              uint64
	sched              string // schedstat's content
	net                uint64 // its net link's inode; the other links are fixed
	cmdline            string
}

// write writes t's directory under root, made aside and renamed into place
// so that a rewritten task gets a directory with a new inode, as a new
// process with a reused pid does (the old one is kept aside so that its
// inode is not reused).
func (f fakeTask) write(t *testing.T, root string) {
	t.Helper()
	dir := filepath.Join(root, fmt.Sprint(f.pid))
	next := dir + ".next"
	if err := os.MkdirAll(filepath.Join(next, "ns"), 0o755); err != nil {
		t.Fatal(err)
	}
	stat := fmt.Sprintf("%d (task%d) %c %d 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 %d 0 %d 0 0\n",
		f.pid, f.pid, f.state, f.ppid, f.threads, f.start)
	files := map[string]string{"stat": stat, "schedstat": f.sched, "cmdline": f.cmdline + "\x00"}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(next, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []struct {
		name string
		ino  uint64
	}{{"net", f.net}, {"uts", 4026531838}, {"ipc", 4026531839}, {"mnt", 4026531841}} {
		if err := os.Symlink(fmt.Sprintf("%s:[%d]", l.name, l.ino), filepath.Join(next, "ns", l.name)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(dir); err == nil {
		if err := os.Rename(dir, fmt.Sprintf("%s.gone%d", dir, f.start)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Rename(next, dir); err != nil {
		t.Fatal(err)
	}
}

// rewrite rewrites t's schedstat, net link and command line in its
// directory, which keeps its inode: the same task, changed.
func (f fakeTask) rewrite(t *testing.T, root string) {
	t.Helper()
	dir := filepath.Join(root, fmt.Sprint(f.pid))
	link := filepath.Join(dir, "ns", "net")
	for _, err := range []error{
		os.WriteFile(filepath.Join(dir, "schedstat"), []byte(f.sched), 0o644),
		os.Remove(link),
		os.Symlink(fmt.Sprintf("net:[%d]", f.net), link),
		os.WriteFile(filepath.Join(dir, "cmdline"), []byte(f.cmdline+"\x00"), 0o644),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestRescanTakesOnlyUntouchedTasks scans a /proc tree built here twice
// with one Rescanner. Between the scans every task's net link and command
// line change, as they cannot on a real kernel without the task running;
// the second scan shows what it took from the first (the old link) only
// for the task whose directory and schedstat did not change, and reads
// afresh a task with a reused pid (a new directory), one that ran, one
// with threads and one that was running.
func TestRescanTakesOnlyUntouchedTasks(t *testing.T) {
	root := t.TempDir()
	tasks := []fakeTask{
		{pid: 20, threads: 1, state: 'S', start: 100, sched: "5000 10 3\n"},
		{pid: 21, threads: 1, state: 'S', start: 100, sched: "5000 10 3\n"},
		{pid: 22, threads: 1, state: 'S', start: 100, sched: "5000 10 3\n"},
		{pid: 23, threads: 2, state: 'S', start: 100, sched: "5000 10 3\n"},
		{pid: 24, threads: 1, state: 'R', start: 100, sched: "5000 10 3\n"},
		{pid: 25, threads: 1, state: 'S', start: 100, sched: "0 0 0\n"},
	}
	for i := range tasks {
		tasks[i].ppid, tasks[i].net, tasks[i].cmdline = 1, 4026532100, "before"
		tasks[i].write(t, root)
	}
	r := NewRescanner(Options{ProcRoot: root, Cmdline: true})
	if _, err := r.Scan(t.Context()); err != nil {
		t.Fatal(err)
	}
	recorded := slices.Sorted(func(yield func(int) bool) {
		for pid := range r.last.records {
			if !yield(pid) {
				return
			}
		}
	})
	if want := []int{20, 21, 22}; !slices.Equal(recorded, want) {
		t.Fatalf("the first scan recorded pids %v, want %v (single-threaded, not running, schedstat kept)", recorded, want)
	}

	for _, f := range tasks {
		f.net, f.cmdline = 4026532200, "after"
		switch f.pid {
		case 21:
			f.sched = "5100 10 4\n" // it ran
		case 22:
			f.start = 200 // a new process, same pid and schedstat
			f.write(t, root)
			continue
		}
		f.rewrite(t, root)
	}
	snap, err := r.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tasks {
		p := snap.Processes[f.pid]
		if p == nil {
			t.Errorf("pid %d missing", f.pid)
			continue
		}
		wantNet, wantCmd := uint64(4026532200), "after"
		if f.pid == 20 {
			wantNet, wantCmd = 4026532100, "before"
		}
		if got := p.Namespaces[LinkNet].Ino; got != wantNet || !slices.Equal(p.Cmdline, []string{wantCmd}) {
			t.Errorf("pid %d: net %d, cmdline %q; want %d, %q", f.pid, got, p.Cmdline, wantNet, wantCmd)
		}
	}
	if r.reused != 1 {
		t.Errorf("%d processes reused, want 1 (pid 20)", r.reused)
	}
	if p := snap.Processes[22]; p.StartTime != 200 {
		t.Errorf("pid 22's start time = %d, want the new process's 200", p.StartTime)
	}
}

// TestRescanReparents: a task taken from the last scan whose parent has
// gone is read again for its new parent, which the kernel gave it
// without its running.
func TestRescanReparents(t *testing.T) {
	root := t.TempDir()
	parent := fakeTask{pid: 30, ppid: 1, threads: 1, state: 'S', start: 100, sched: "1 1 1\n", net: 4026532100, cmdline: "parent"}
	child := fakeTask{pid: 31, ppid: 30, threads: 1, state: 'S', start: 150, sched: "2 2 2\n", net: 4026532100, cmdline: "child"}
	parent.write(t, root)
	child.write(t, root)
	r := NewRescanner(Options{ProcRoot: root, Cmdline: true})
	if _, err := r.Scan(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(root, "30"), filepath.Join(root, "gone")); err != nil {
		t.Fatal(err)
	}
	stat := filepath.Join(root, "31", "stat")
	if err := os.WriteFile(stat, []byte("31 (task31) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 150 0 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	snap, err := r.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if p := snap.Processes[31]; p == nil || p.PPID != 1 || r.reused != 1 {
		t.Errorf("orphan = %+v, %d reused; want ppid 1, taken from the last scan", p, r.reused)
	}
	if rec := r.last.records[31]; rec == nil || rec.proc.PPID != 1 {
		t.Errorf("the orphan's record for the next scan = %+v, want ppid 1", rec)
	}
}
