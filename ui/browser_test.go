package ui

import (
	"fmt"
	"maps"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/nsdive/nsdive/inspect"
)

// labSnapshot is a small synthetic host for the browser's tests: docker
// containers, nested rootless sandboxes and bind-mounted network
// namespaces (syntheticSnapshot), plus a network namespace held only by
// an open descriptor and one held only by a socket.
func labSnapshot() *inspect.Snapshot {
	snap := syntheticSnapshot(300, 150)
	owner := snap.Initial[inspect.LinkUser]
	for i, kind := range []inspect.HolderKind{inspect.HeldByFD, inspect.HeldBySocket} {
		id := inspect.NamespaceID{Dev: synthDev, Ino: 4026533100 + uint64(i)}
		snap.Namespaces[id] = &inspect.Namespace{ID: id, Type: inspect.Net, Owner: owner, OwnerUID: -1, NetNSID: -1,
			Holders: []inspect.Holder{{Kind: kind, PID: 1, FD: 7 + i}},
			Details: inspect.Details{Net: &inspect.NetInfo{Interfaces: []inspect.Interface{
				{Index: 1, Name: "lo", Kind: "device", State: "down", MTU: 65536}}}}}
	}
	return snap
}

// labWorld is labSnapshot's world, as the first scan of a live host.
func labWorld() *world { return newWorld(labSnapshot(), 100*time.Millisecond) }

// newTestBrowser returns a browser over w at a size.
func newTestBrowser(w *world, width, height int) *browser {
	c := testCommon()
	c.world = w
	b := newBrowser(c)
	b.SetSize(width, height)
	return b
}

// press sends the browser keys by name: "down", "tab", "enter", or text.
func press(b *browser, keys ...string) {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "backspace":
			msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
		default:
			for _, r := range k {
				b.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			continue
		}
		b.Update(msg)
	}
}

// withNamespaces returns a copy of snap with extra namespaces and
// without those in drop.
func withNamespaces(snap *inspect.Snapshot, add []*inspect.Namespace, drop ...inspect.NamespaceID) *inspect.Snapshot {
	next := *snap
	next.Namespaces = maps.Clone(snap.Namespaces)
	for _, ns := range add {
		next.Namespaces[ns.ID] = ns
	}
	for _, id := range drop {
		delete(next.Namespaces, id)
	}
	return &next
}

// TestSelectionStaysOnNamespace checks that a rescan that inserts rows
// above the selection leaves it on the same namespace, at the same place
// on the screen.
func TestSelectionStaysOnNamespace(t *testing.T) {
	w := labWorld()
	b := newTestBrowser(w, 80, 24)
	press(b, "tab", "tab") // net
	for range 25 {
		press(b, "down")
	}
	want := b.selected().ID
	onScreen := b.list.cursor - b.list.offset
	if b.list.offset == 0 {
		t.Fatalf("the list did not scroll (%d rows, %d shown): the test needs more namespaces", len(b.list.rows), b.list.height)
	}
	var born []*inspect.Namespace
	for i := range 5 {
		id := inspect.NamespaceID{Dev: synthDev, Ino: 4026532100 + uint64(i)}
		born = append(born, &inspect.Namespace{ID: id, Type: inspect.Net, NetNSID: -1, OwnerUID: -1,
			Holders: []inspect.Holder{{Kind: inspect.HeldByMount, Path: fmt.Sprintf("/run/netns/new-%d", i)}}})
	}
	b.c.world = w.next(withNamespaces(w.snap, born), 0, time.Now())
	b.Refresh()
	if got := b.selected().ID; got != want {
		t.Fatalf("after the rescan the selection is %v, want %v", got, want)
	}
	if got := b.list.cursor - b.list.offset; got != onScreen {
		t.Errorf("selected row moved on screen from line %d to %d", onScreen, got)
	}
	if b.list.rows[1].ns.ID != born[0].ID {
		t.Errorf("row 1 is %v, want the new namespace %v", b.list.rows[1].ns.ID, born[0].ID)
	}
}
