package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/nsdive/nsdive/inspect"
)

// webProcess is the fixture's sleep in its own pid, uts, ipc, net and
// mount namespaces (pid 4 inside).
func webProcess(t *testing.T, w *world) *inspect.Process {
	return processByCommand(t, w.snap, "sleep", "1000")
}

// TestProcessPageGolden draws the process page of a process in nested
// namespaces, and of one whose for_children links differ, at 80x24 and
// 200x50.
func TestProcessPageGolden(t *testing.T) {
	w := propagationWorld(t)
	pfc := processByCommand(t, w.snap, "unshare", "-f", "--kill-child", "-p", "-T", "--monotonic", "3600", "sleep", "1002")
	for _, tc := range []struct {
		name string
		proc *inspect.Process
		w, h int
	}{
		{"process-web-80x24", webProcess(t, w), 80, 24},
		{"process-web-200x50", webProcess(t, w), 200, 50},
		{"process-forchildren-80x24", pfc, 80, 24},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := modelWith(testCommon(), w, func(c *common) page { return newProcessPage(c, tc.proc.Key()) })
			checkGolden(t, tc.name, screen(m, tc.w, tc.h))
		})
	}
}

// TestProcessPageShowsForChildrenWhenTheyDiffer checks that the
// pid_for_children and time_for_children rows appear for a process that
// unshared those namespaces for its children, and not for one whose
// children get its own.
func TestProcessPageShowsForChildrenWhenTheyDiffer(t *testing.T) {
	w := propagationWorld(t)
	pfc := processByCommand(t, w.snap, "unshare", "-f", "--kill-child", "-p", "-T", "--monotonic", "3600", "sleep", "1002")
	rows := func(p *inspect.Process) []string {
		var names []string
		for _, l := range newProcessPage(&common{styles: defaultStyles(true), keys: defaultKeyMap(), world: w}, p.Key()).links {
			names = append(names, l.Name())
		}
		return names
	}
	if got := strings.Join(rows(pfc), " "); got != "cgroup ipc mnt net pid pid_for_children time time_for_children user uts" {
		t.Errorf("rows of the unshare parent: %s; want both for_children links", got)
	}
	if got := strings.Join(rows(webProcess(t, w)), " "); got != "cgroup ipc mnt net pid time user uts" {
		t.Errorf("rows of a process whose children share its namespaces: %s; want the 8 types only", got)
	}
}

// TestProcessPageEnterOpensNamespace checks that enter on the mnt row,
// and m anywhere, open the mount page of the process's mount namespace.
func TestProcessPageEnterOpensNamespace(t *testing.T) {
	w := propagationWorld(t)
	proc := webProcess(t, w)
	c := testCommon()
	c.world = w
	p := newProcessPage(c, proc.Key())
	for p.links[p.list.cursor] != inspect.LinkMnt {
		p.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	}
	for _, k := range []tea.KeyPressMsg{{Code: tea.KeyEnter}, {Code: 'm', Text: "m"}} {
		cmd := p.Update(k)
		if cmd == nil {
			t.Fatalf("%s on the mnt row: no command", k)
		}
		open, ok := cmd().(openMsg)
		if !ok {
			t.Fatalf("%s on the mnt row: %T, want an openMsg", k, cmd())
		}
		mp, ok := open.page.(*mountPage)
		if !ok || mp.mntns != proc.Namespaces[inspect.LinkMnt] {
			t.Errorf("%s opened %T %q, want the mount page of mnt %s", k, open.page, open.page.Title(), proc.Namespaces[inspect.LinkMnt])
		}
	}
}

// TestProcessPageMarksExited checks that a process gone at a rescan stays
// on the page, marked exited, with its last known namespaces.
func TestProcessPageMarksExited(t *testing.T) {
	w := propagationWorld(t)
	proc := webProcess(t, w)
	m := modelWith(testCommon(), w, func(c *common) page { return newProcessPage(c, proc.Key()) })
	before := screen(m, 100, 30)
	if strings.Contains(before, "exited") {
		t.Fatalf("a live process is marked exited:\n%s", before)
	}
	m.c.world = w.next(without(w.snap, proc.PID), 0, time.Now())
	m.refreshPages()
	after := screen(m, 100, 30)
	for _, want := range []string{"exited", "sleep 1000", proc.Namespaces[inspect.LinkUTS].String(), "hostname web"} {
		if !strings.Contains(after, want) {
			t.Errorf("after the process exited, the page lacks %q:\n%s", want, after)
		}
	}
}

// TestProcessPageReusedPIDIsExited checks that a pid that names a
// process started later is not taken for the process of the page.
func TestProcessPageReusedPIDIsExited(t *testing.T) {
	w := propagationWorld(t)
	proc := webProcess(t, w)
	c := testCommon()
	c.world = w
	p := newProcessPage(c, proc.Key())
	next := without(w.snap, proc.PID)
	reused := *proc
	reused.StartTime++
	reused.Cmdline = []string{"other"}
	next.Processes[proc.PID] = &reused
	c.world = w.next(next, 0, time.Now())
	p.Refresh()
	if !p.exited || p.proc != proc {
		t.Errorf("after the pid was reused: exited %v, shown %v; want the old process, exited", p.exited, p.proc.Cmdline)
	}
}

// without returns a copy of snap without the process pid, as a rescan
// after it exited would find the host.
func without(snap *inspect.Snapshot, pid int) *inspect.Snapshot {
	next := inspect.NewSnapshot(snap.Taken.Add(2*time.Second), snap.Self())
	next.Initial, next.InitialPID, next.Parts, next.DetailTypes = snap.Initial, snap.InitialPID, snap.Parts, snap.DetailTypes
	for id, p := range snap.Processes {
		if id != pid {
			next.Processes[id] = p
		}
	}
	for id, ns := range snap.Namespaces {
		next.Namespaces[id] = ns
	}
	for id, table := range snap.Mounts {
		next.Mounts[id] = table
	}
	for g, refs := range snap.PeerGroups {
		next.PeerGroups[g] = refs
	}
	return next
}

// TestProcessPageKeepsStateOfExitingProcess checks that a process caught
// by a rescan as it exits (a zombie, or with its namespace links gone) is
// marked exited with the state seen before, not the empty one.
func TestProcessPageKeepsStateOfExitingProcess(t *testing.T) {
	w := propagationWorld(t)
	proc := webProcess(t, w)
	for name, dying := range map[string]func(p *inspect.Process){
		"zombie":      func(p *inspect.Process) { p.State = 'Z' },
		"links unset": func(p *inspect.Process) { p.Namespaces = inspect.NamespaceSet{} },
	} {
		t.Run(name, func(t *testing.T) {
			c := testCommon()
			c.world = w
			p := newProcessPage(c, proc.Key())
			next := without(w.snap, proc.PID)
			gone := *proc
			gone.Cmdline = nil
			dying(&gone)
			next.Processes[proc.PID] = &gone
			c.world = w.next(next, 0, time.Now())
			p.Refresh()
			if !p.exited || p.proc != proc {
				t.Errorf("exited %v, shown %q; want the state before, exited", p.exited, p.proc.Cmdline)
			}
		})
	}
}

// TestProcessPageClick checks that a click chooses the namespace row
// under the mouse.
func TestProcessPageClick(t *testing.T) {
	w := propagationWorld(t)
	c := testCommon()
	c.world = w
	p := newProcessPage(c, webProcess(t, w).Key())
	p.SetSize(100, 30)
	for y, l := range strings.Split(ansi.Strip(p.View()), "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, " ▸"), "uts ") {
			p.Update(tea.MouseClickMsg{X: 4, Y: y, Button: tea.MouseLeft})
		}
	}
	if got := p.links[p.list.cursor]; got != inspect.LinkUTS {
		t.Errorf("a click on the uts row chose %s", got)
	}
}
