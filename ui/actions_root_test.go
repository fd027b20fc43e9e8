package ui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"golang.org/x/sys/unix"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/nstest"
)

// These tests drive the root model on the live host as root, as a person
// does with the keys, and run the actions for real on namespaces they
// make: the commands Bubble Tea would run off the UI goroutine run here
// in turn, and a scan follows each action as the rescan it asks for.

// scanNow scans the host into the model, as the rescan an action asks for.
func scanNow(t *testing.T, m *Model) {
	t.Helper()
	snap, err := inspect.Scan(context.Background(), scanOptions())
	if err != nil {
		t.Fatal(err)
	}
	m.Update(scanDoneMsg{snap: snap})
}

// liveHostModel is a root model of this host, scanned once.
func liveHostModel(t *testing.T) *Model {
	t.Helper()
	m := newModel(context.Background(), testCommon(), 1<<40, nil)
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	scanNow(t, m)
	return m
}

// confirm checks that the confirmation shows each of want, runs the
// action with y, and fails the test with the log's error when it failed;
// it returns the commands the model asked for after the run.
func confirm(t *testing.T, m *Model, want ...string) tea.Cmd {
	t.Helper()
	s := frame(m)
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Fatalf("confirmation: no %q; screen:\n%s", w, s)
		}
	}
	run := keys(m, "y")
	if run == nil {
		t.Fatalf("y ran nothing; screen:\n%s", s)
	}
	_, after := m.Update(run())
	if m.flow != nil || len(m.log) == 0 {
		t.Fatalf("after the run: flow %v, log %v", m.flow, m.log)
	}
	if last := m.log[len(m.log)-1]; last.err != nil {
		t.Fatalf("%s: %v", last.desc, last.err)
	}
	scanNow(t, m)
	return after
}

// openPages gives the model the pages that cmd (a batch) asks to open.
func openPages(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			if c != nil {
				if o, ok := c().(openMsg); ok {
					m.Update(o)
				}
			}
		}
	case openMsg:
		m.Update(msg)
	}
}

// nsID is the namespace of an nstest ID.
func nsID(id nstest.ID) inspect.NamespaceID { return inspect.NamespaceID{Dev: id.Dev, Ino: id.Ino} }

// startIn starts sleep in new namespaces (unshare's flags) and returns
// its pid once it is in them.
func startIn(t *testing.T, flag, typ string) int {
	t.Helper()
	p := nstest.Start(t, "unshare", flag, "sleep", "1000")
	own := nstest.IDOf(os.Getpid(), typ)
	p.WaitUntil(t, "sleep in a new "+typ+" namespace", func() bool {
		id := nstest.IDOf(p.PID(), typ)
		return !id.IsZero() && id != own && nstest.Comm(p.PID()) == "sleep"
	})
	return p.PID()
}

// TestPersistAndReleaseFromExplorer persists a test process's network
// namespace under /run/netns with P, then releases it with P.
func TestPersistAndReleaseFromExplorer(t *testing.T) {
	nstest.RequireRoot(t)
	pid := startIn(t, "--net", "net")
	id := nsID(nstest.IDOf(pid, "net"))
	name := nstest.Name + "-uia"
	path := "/run/netns/" + name
	t.Cleanup(func() {
		unix.Unmount(path, unix.MNT_DETACH)
		os.Remove(path)
		nstest.CheckUnmounted(t, path)
	})
	m := liveHostModel(t)
	choose(t, m, id)
	keys(m, "P")
	if s := frame(m); !strings.Contains(s, fmt.Sprintf("nsdive-%d", id.Ino)) {
		t.Fatalf("P: no form with a default name; screen:\n%s", s)
	}
	deliver(t, m, keys(m, "ctrl+u", name, "enter"))
	confirm(t, m, fmt.Sprintf("mount --bind /proc/%d/ns/net %s", pid, path))
	if got := nstest.IDAt(path); nsID(got) != id {
		t.Fatalf("%s holds %v, want %v", path, got, id)
	}

	choose(t, m, id)
	deliver(t, m, keys(m, "P"))
	confirm(t, m, "umount -l "+path, "rm "+path)
	if _, err := os.Lstat(path); err == nil {
		t.Errorf("%s is still there after the release", path)
	}
	nstest.CheckUnmounted(t, path)
}

// TestHostnameFromExplorer sets the hostname of a test uts namespace
// with H.
func TestHostnameFromExplorer(t *testing.T) {
	nstest.RequireRoot(t)
	pid := startIn(t, "--uts", "uts")
	before, _ := os.Hostname()
	m := liveHostModel(t)
	choose(t, m, nsID(nstest.IDOf(pid, "uts")))
	deliver(t, m, keys(m, "H", "ctrl+u", "uia-box", "enter"))
	confirm(t, m, fmt.Sprintf("nsenter -t %d -u hostname uia-box", pid))
	out, err := exec.Command("nsenter", "-t", fmt.Sprint(pid), "-u", "hostname").Output()
	if got := strings.TrimSpace(string(out)); err != nil || got != "uia-box" {
		t.Errorf("hostname in the namespace = %q (%v), want uia-box", got, err)
	}
	if after, _ := os.Hostname(); after != before {
		t.Errorf("the host's hostname changed from %q to %q", before, after)
	}
}

// TestVethFromExplorer links two test network namespaces with v, sees
// the link after the rescan on the network page, and deletes it there
// with x.
func TestVethFromExplorer(t *testing.T) {
	nstest.RequireRoot(t)
	nameA, nameB := nstest.Name+"-uva", nstest.Name+"-uvb"
	a, b := nsID(nstest.AddNetns(t, nameA)), nsID(nstest.AddNetns(t, nameB))
	m := liveHostModel(t)
	choose(t, m, a)
	keys(m, "v")
	for i := 0; !strings.Contains(frame(m), "‹ netns "+nameB+" ›"); i++ {
		if i > 1000 {
			t.Fatalf("v: netns %s is not among the other ends; screen:\n%s", nameB, frame(m))
		}
		keys(m, "right")
	}
	deliver(t, m, keys(m, "tab", "10.201.0.1/24", "tab", "10.201.0.2/24", "enter"))
	after := confirm(t, m, "ip -n "+nameA+" link add ", "peer name ", "netns "+nameB,
		"addr add 10.201.0.1/24", "ip -n "+nameB+" addr add 10.201.0.2/24")
	veth := vethOf(t, m, a)
	if veth == nil || veth.Peer == nil || !strings.Contains(strings.Join(veth.Addrs, " "), "10.201.0.1/24") {
		t.Fatalf("after the rescan, %s has veth %+v, want one with 10.201.0.1/24 and its peer", nameA, veth)
	}
	if vethOf(t, m, b) == nil {
		t.Fatalf("after the rescan, %s has no veth", nameB)
	}

	// The network page opens on the new link, shown by the rescan.
	openPages(m, after)
	scanNow(t, m)
	if _, ok := m.top().(*netPage); !ok || !strings.Contains(frame(m), veth.Name) {
		t.Fatalf("after v, no network page showing %s; screen:\n%s", veth.Name, frame(m))
	}
	deliver(t, m, keys(m, "x", "enter"))
	confirm(t, m, "ip -n "+nameA+" link del "+veth.Name)
	if v := vethOf(t, m, a); v != nil {
		t.Errorf("after x, %s still has veth %s", nameA, v.Name)
	}
	if v := vethOf(t, m, b); v != nil {
		t.Errorf("after x, %s still has veth %s (the peer)", nameB, v.Name)
	}
}

// vethOf returns the first veth the model's snapshot shows in id.
func vethOf(t *testing.T, m *Model, id inspect.NamespaceID) *inspect.Interface {
	t.Helper()
	ns := m.c.world.snap.Namespaces[id]
	if ns == nil || ns.Details.Net == nil {
		t.Fatalf("the snapshot has no details of %s", id)
	}
	for i, ifc := range ns.Details.Net.Interfaces {
		if ifc.Kind == "veth" {
			return &ns.Details.Net.Interfaces[i]
		}
	}
	return nil
}

// TestPropagationFromExplorer makes the root mount of a test mount
// namespace shared with o on its mount page.
func TestPropagationFromExplorer(t *testing.T) {
	nstest.RequireRoot(t)
	pid := startIn(t, "--mount", "mnt")
	m := liveHostModel(t)
	choose(t, m, nsID(nstest.IDOf(pid, "mnt")))
	deliver(t, m, keys(m, "m"))
	mp, ok := m.top().(*mountPage)
	if !ok || mp.current() == nil || mp.current().MountPoint != "/" {
		t.Fatalf("m did not open the mount page on /; screen:\n%s", frame(m))
	}
	id := strconv.Itoa(mp.current().ID)
	keys(m, "o")
	if s := frame(m); !strings.Contains(s, "propagation of / in mnt") || !strings.Contains(s, "‹ private ›") {
		t.Fatalf("o: no propagation form for /; screen:\n%s", s)
	}
	deliver(t, m, keys(m, "right", "enter"))
	confirm(t, m, fmt.Sprintf("nsenter -t %d -m mount --make-shared /", pid))
	info, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(info)) {
		if f := strings.Fields(line); len(f) > 6 && f[0] == id && !strings.Contains(line, " shared:") {
			t.Errorf("/ in the test mount namespace is not shared: %s", line)
		}
	}
}
