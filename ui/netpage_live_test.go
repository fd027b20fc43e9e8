package ui

import (
	"strings"
	"testing"

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
