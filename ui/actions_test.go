package ui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/nsdive/nsdive/inspect"
)

// Fixed namespaces of actionSnapshot.
var (
	hostNet  = inspect.NamespaceID{Dev: 4, Ino: 4026531840}
	hostUTS  = inspect.NamespaceID{Dev: 4, Ino: 4026531838}
	testUTS  = inspect.NamespaceID{Dev: 4, Ino: 4026539001}
	testNet  = inspect.NamespaceID{Dev: 4, Ino: 4026539002}
	blueNet  = inspect.NamespaceID{Dev: 4, Ino: 4026539003}
	blueVeth = inspect.Interface{Index: 2, Name: "v-blue", Kind: "veth", State: "up", Addrs: []string{"10.9.0.1/24"}}
)

// actionSnapshot is a fixed host of a few namespaces whose one process is
// this test's own (its real pid and start time, so that the actions'
// checks of their target pass) in a uts and a net namespace of its own,
// and a network namespace held at /run/netns/blue with a veth.
func actionSnapshot(t *testing.T) *inspect.Snapshot {
	t.Helper()
	key, _, err := inspect.ReadKey("/proc", os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	var self inspect.NamespaceSet
	self[inspect.LinkOf(inspect.Net)], self[inspect.LinkOf(inspect.UTS)] = hostNet, hostUTS
	snap := inspect.NewSnapshot(time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC), self)
	snap.Initial = self
	p := &inspect.Process{PID: key.PID, TGID: key.PID, PPID: 1, Comm: "ui.test", StartTime: key.StartTime, UID: 0, State: 'S',
		Read: inspect.FieldStat}
	p.Namespaces[inspect.LinkOf(inspect.UTS)], p.Namespaces[inspect.LinkOf(inspect.Net)] = testUTS, testNet
	snap.Processes[p.PID] = p
	add := func(id inspect.NamespaceID, typ inspect.Type, procs []*inspect.Process, d inspect.Details, holders ...inspect.Holder) {
		snap.Namespaces[id] = &inspect.Namespace{ID: id, Type: typ, Processes: procs, Holders: holders, Details: d, OwnerUID: -1, NetNSID: -1}
	}
	add(hostNet, inspect.Net, nil, inspect.Details{Net: &inspect.NetInfo{}})
	add(hostUTS, inspect.UTS, nil, inspect.Details{UTS: &inspect.UTSInfo{Hostname: "host"}})
	add(testUTS, inspect.UTS, []*inspect.Process{p}, inspect.Details{UTS: &inspect.UTSInfo{Hostname: "fixture"}})
	add(testNet, inspect.Net, []*inspect.Process{p}, inspect.Details{Net: &inspect.NetInfo{}})
	add(blueNet, inspect.Net, nil, inspect.Details{Net: &inspect.NetInfo{Interfaces: []inspect.Interface{blueVeth}}},
		inspect.Holder{Kind: inspect.HeldByMount, Path: "/run/netns/blue", MountNS: self[inspect.LinkMnt]})
	snap.DetailTypes = inspect.TypesOf(inspect.Net, inspect.UTS)
	return snap
}

// liveModel is a root model of a live host whose first scan found snap,
// at 120x35.
func liveModel(t *testing.T, snap *inspect.Snapshot) *Model {
	t.Helper()
	m := newModel(context.Background(), testCommon(), time.Hour, nil)
	m.now = func() time.Time { return time.Date(2026, 11, 23, 18, 0, 1, 0, time.UTC) }
	m.Init()
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	m.Update(scanDoneMsg{snap: snap})
	return m
}

// keys sends the root keys by name ("enter", "esc", "tab", "ctrl+u") or
// as text, and returns the command of the last.
func keys(m *Model, names ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range names {
		var msgs []tea.KeyPressMsg
		switch k {
		case "enter":
			msgs = append(msgs, tea.KeyPressMsg{Code: tea.KeyEnter})
		case "esc":
			msgs = append(msgs, tea.KeyPressMsg{Code: tea.KeyEscape})
		case "tab":
			msgs = append(msgs, tea.KeyPressMsg{Code: tea.KeyTab})
		case "right":
			msgs = append(msgs, tea.KeyPressMsg{Code: tea.KeyRight})
		case "ctrl+u":
			msgs = append(msgs, tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
		default:
			for _, r := range k {
				msgs = append(msgs, tea.KeyPressMsg{Code: r, Text: string(r)})
			}
		}
		for _, msg := range msgs {
			_, cmd = m.Update(msg)
		}
	}
	return cmd
}

// frame is the model's frame without styles.
func frame(m *Model) string { return ansi.Strip(m.View().Content) }

// choose filters the browser down to the namespace of inode ino and
// keeps the filter, which selects it.
func choose(t *testing.T, m *Model, id inspect.NamespaceID) {
	t.Helper()
	keys(m, "/", "ctrl+u", fmt.Sprint(id.Ino), "enter")
	if b := m.top().(*browser); b.selected() == nil || b.selected().ID != id {
		t.Fatalf("the filter did not select %s:\n%s", id, frame(m))
	}
}

// deliver runs cmd, as Bubble Tea would off the UI goroutine, and gives
// its message to the model.
func deliver(t *testing.T, m *Model, cmd tea.Cmd) tea.Cmd {
	t.Helper()
	if cmd == nil {
		t.Fatalf("no command to run; screen:\n%s", frame(m))
	}
	_, next := m.Update(cmd())
	return next
}

// TestHostnameFormConfirmCancel drives H on a uts namespace: the form
// shows its hostname, the confirmation the exact command, and n cancels
// with nothing run and nothing logged.
func TestHostnameFormConfirmCancel(t *testing.T) {
	m := liveModel(t, actionSnapshot(t))
	choose(t, m, testUTS)
	keys(m, "H")
	s := frame(m)
	if !strings.Contains(s, "set the hostname of uts 4026539001") || !strings.Contains(s, "Hostname") || !strings.Contains(s, "fixture") {
		t.Fatalf("H: no hostname form with the current name; screen:\n%s", s)
	}
	cmd := keys(m, "ctrl+u", "renamed", "enter")
	deliver(t, m, cmd)
	want := fmt.Sprintf("nsenter -t %d -u hostname renamed", os.Getpid())
	if s := frame(m); !strings.Contains(s, want) || !strings.Contains(s, "Run it?") {
		t.Fatalf("confirmation: want %q; screen:\n%s", want, s)
	}
	if cmd := keys(m, "n"); cmd != nil || m.flow != nil {
		t.Fatalf("n: flow %v, cmd %v; want the flow closed and nothing run", m.flow, cmd != nil)
	}
	if len(m.log) != 0 || !strings.Contains(m.status, "cancelled") {
		t.Errorf("after n: log %v, status %q; want nothing logged and 'cancelled'", m.log, m.status)
	}
}

// TestFormEscCancels checks that esc in a form closes it, and that the
// keys typed in it never reached the page under it.
func TestFormEscCancels(t *testing.T) {
	m := liveModel(t, actionSnapshot(t))
	choose(t, m, testNet)
	keys(m, "v")
	s := frame(m)
	for _, want := range []string{"veth from pid", "Other end", "‹ host ›", "Address here", "Name there"} {
		if !strings.Contains(s, want) {
			t.Fatalf("v: no %q in the form; screen:\n%s", want, s)
		}
	}
	keys(m, "right")
	if s := frame(m); !strings.Contains(s, "‹ netns blue ›") {
		t.Fatalf("→: the other end is not netns blue; screen:\n%s", s)
	}
	keys(m, "tab", "q")
	if cmd := keys(m, "esc"); cmd != nil || m.flow != nil || len(m.pages) != 1 {
		t.Fatalf("esc: flow %v, pages %d; want the form closed on the browser", m.flow, len(m.pages))
	}
}

// TestDeleteVethChoosesInterface checks that x lists the veths of the
// namespace.
func TestDeleteVethChoosesInterface(t *testing.T) {
	m := liveModel(t, actionSnapshot(t))
	choose(t, m, blueNet)
	keys(m, "x")
	if s := frame(m); !strings.Contains(s, "delete a veth in netns blue") || !strings.Contains(s, "‹ v-blue 10.9.0.1/24 ›") {
		t.Fatalf("x: no choice of v-blue; screen:\n%s", s)
	}
	keys(m, "esc")
	choose(t, m, testUTS)
	keys(m, "x")
	if m.flow != nil {
		t.Fatal("x on a uts namespace opened a form")
	}
}

// TestEnterConfirmShowsNsenter checks that e on a namespace prepares the
// nsenter line of that namespace alone through its process, and that n
// closes what was opened for it.
func TestEnterConfirmShowsNsenter(t *testing.T) {
	m := liveModel(t, actionSnapshot(t))
	choose(t, m, testUTS)
	deliver(t, m, keys(m, "e"))
	want := fmt.Sprintf("nsenter -t %d -u", os.Getpid())
	if s := frame(m); !strings.Contains(s, want) || strings.Contains(s, want+" -n") {
		t.Fatalf("e: want %q alone; screen:\n%s", want, s)
	}
	if cmd := keys(m, "n"); cmd == nil || m.flow != nil {
		t.Fatal("n: want the flow closed and its descriptors released")
	} else {
		cmd()
	}
}

// TestActionsNeedLiveHost checks that the action keys on a snapshot file
// say they need a live host and open nothing.
func TestActionsNeedLiveHost(t *testing.T) {
	m := newModel(context.Background(), testCommon(), time.Second, fixtureWorld(t))
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	for _, k := range []string{"e", "E", "u", "v", "x", "P", "H", "o"} {
		cmd := keys(m, k)
		if m.flow != nil || cmd == nil {
			t.Fatalf("%s on a snapshot file: flow %v", k, m.flow)
		}
		m.Update(cmd())
		if !strings.Contains(m.status, "need a live host") {
			t.Errorf("%s: status %q, want it to say actions need a live host", k, m.status)
		}
	}
}

// TestHelpListsActionKeys checks that ? lists every action key and that
// none is bound twice among the root's and the pages' keys.
func TestHelpListsActionKeys(t *testing.T) {
	m := liveModel(t, actionSnapshot(t))
	keys(m, "?")
	s := frame(m)
	for _, b := range append(m.c.keys.actions(), m.c.keys.Log) {
		if !strings.Contains(s, b.Help().Desc) {
			t.Errorf("help has no %q; screen:\n%s", b.Help().Desc, s)
		}
	}
	k := m.c.keys
	taken := map[string]bool{}
	for _, b := range append(append(k.global(), k.movement()...), mountTreeKey, mountFocusKey, mountJumpKey,
		processOpenKey, processMountKey, processParentKey, filterKeep, filterClear) {
		for _, name := range b.Keys() {
			taken[name] = true
		}
	}
	for _, b := range append(k.actions(), k.Log) {
		for _, name := range b.Keys() {
			if taken[name] {
				t.Errorf("action key %s (%s) is bound already", name, b.Help().Desc)
			}
			taken[name] = true
		}
	}
}

// TestUnshareFormConfirmCancel drives u: the form of unshare's flags,
// the confirmation's unshare line, and n that runs nothing.
func TestUnshareFormConfirmCancel(t *testing.T) {
	m := liveModel(t, actionSnapshot(t))
	keys(m, "u")
	if s := frame(m); !strings.Contains(s, "--map-root-user") || !strings.Contains(s, "[x]") {
		t.Fatalf("u: no form of unshare's flags with --fork on; screen:\n%s", s)
	}
	for range 10 {
		keys(m, "tab")
	}
	keys(m, " ", "tab", "tab", "true")
	deliver(t, m, keys(m, "enter"))
	want := "unshare --fork --map-root-user -- /bin/sh -c true"
	if s := frame(m); !strings.Contains(s, want) {
		t.Fatalf("confirmation: want %q; screen:\n%s", want, s)
	}
	cmd := keys(m, "n")
	if cmd == nil || m.flow != nil || len(m.log) != 0 {
		t.Fatalf("n: flow %v, log %v; want the flow closed, nothing run", m.flow, m.log)
	}
	cmd()
}
