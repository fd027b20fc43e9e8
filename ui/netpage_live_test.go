package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/nstest"
)

// TestNetPageLive builds two network namespaces joined by a veth pair
// with an address at each end, scans the host as the explorer does, and
// finds the pair on the network page: one row with both ends' names and
// addresses and the far namespace's name, under the near one's heading.
//
// Equivalent to: ip netns add A; ip netns add B;
// ip link add nv-a netns A type veth peer nv-b netns B; ip -n A addr add ...
func TestNetPageLive(t *testing.T) {
	nstest.RequireRoot(t)
	a, b := nstest.Name+"-nv-a", nstest.Name+"-nv-b"
	idA := nstest.AddNetns(t, a)
	nstest.AddNetns(t, b)
	for _, args := range [][]string{
		{"ip", "link", "add", "nv-a", "netns", a, "type", "veth", "peer", "nv-b", "netns", b},
		{"ip", "-n", a, "addr", "add", "10.77.0.1/24", "dev", "nv-a"},
		{"ip", "-n", b, "addr", "add", "10.77.0.2/24", "dev", "nv-b"},
		{"ip", "-n", a, "link", "set", "nv-a", "up"},
		{"ip", "-n", b, "link", "set", "nv-b", "up"},
	} {
		nstest.Run(t, args...)
	}
	snap, err := inspect.Scan(t.Context(), scanOptions())
	if err != nil {
		t.Fatal(err)
	}
	c := testCommon()
	c.world = newWorld(snap, 0)
	p := newNetPage(c, inspect.NamespaceID{Dev: idA.Dev, Ino: idA.Ino})
	p.SetSize(200, 50)
	lines := strings.Split(ansi.Strip(p.View()), "\n")

	heading := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "▸ "+a+" ") {
			heading = i
		}
	}
	if heading < 0 {
		t.Fatalf("no selected heading for %s:\n%s", a, strings.Join(lines, "\n"))
	}
	// The wire is ═══ once the kernel has both ends' carrier up, ╌╌╌
	// before: either is right here.
	want := []string{"nv-a", "10.77.0.1/24", "nv-b", "10.77.0.2/24", b}
	found := false
	for _, l := range lines[heading+1:] {
		if containsInOrder(l, want) {
			found = true
			break
		}
		if strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "    ") {
			break // the next namespace's heading
		}
	}
	if !found {
		t.Errorf("no row %q in %s's block:\n%s", want, a, strings.Join(lines, "\n"))
	}
}

// containsInOrder reports whether s has each of parts, one after another.
func containsInOrder(s string, parts []string) bool {
	for _, part := range parts {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return true
}

// TestNetPageLiveVanishes: a netns made with ip netns add is found on the
// network page with `/` and its name; after ip netns del and a rescan it
// is still shown, marked vanished, until the highlight runs out.
func TestNetPageLiveVanishes(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Name + "-nv-gone"
	nstest.Run(t, "ip", "netns", "add", name)
	deleted := false
	t.Cleanup(func() {
		if !deleted {
			nstest.Run(t, "ip", "netns", "del", name)
		}
	})
	scan := func() *inspect.Snapshot {
		snap, err := inspect.Scan(t.Context(), scanOptions())
		if err != nil {
			t.Fatal(err)
		}
		return snap
	}
	c := testCommon()
	c.world = newWorld(scan(), 0)
	p := newNetPage(c, inspect.NamespaceID{})
	p.SetSize(200, 30)
	press(p, "/", name, "enter")
	view := ansi.Strip(p.View())
	if p.matches != 1 || !strings.Contains(view, "▸ "+name+" ") && !strings.Contains(view, "▸   "+name+" ") {
		t.Fatalf("/%s: %d matches, want %s selected:\n%s", name, p.matches, name, view)
	}
	nstest.Run(t, "ip", "netns", "del", name)
	deleted = true
	now := time.Now()
	c.world = c.world.next(scan(), 0, now)
	p.Refresh()
	view = ansi.Strip(p.View())
	if !strings.Contains(view, name) || !strings.Contains(view, "vanished in the last rescan") {
		t.Errorf("after ip netns del and a rescan, %s is not shown vanished:\n%s", name, view)
	}
	c.world.expire(now.Add(flashFor))
	p.Refresh()
	if view = ansi.Strip(p.View()); strings.Count(view, name) != 1 || p.matches != 0 { // the filter line names it
		t.Errorf("after %s, %s is still shown:\n%s", flashFor, name, view)
	}
}
