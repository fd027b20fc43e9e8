package ui

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/nsdive/nsdive/inspect"
)

// labSnapshot is a small synthetic host for the browser's tests: docker
// containers, nested rootless sandboxes and bind-mounted network
// namespaces (syntheticSnapshot), plus a network namespace held only by
// an open descriptor and one held only by a socket.
func labSnapshot() *inspect.Snapshot {
	synth := syntheticSnapshot(300, 150)
	// Taken by a program in the initial namespaces, whose bind mounts
	// these are.
	snap := inspect.NewSnapshot(synth.Taken, synth.Initial)
	snap.Processes, snap.Namespaces, snap.Initial, snap.InitialPID = synth.Processes, synth.Namespaces, synth.Initial, synth.InitialPID
	snap.Mounts, snap.PeerGroups, snap.Parts, snap.DetailTypes = synth.Mounts, synth.PeerGroups, synth.Parts, synth.DetailTypes
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

// press sends a page keys by name: "down", "tab", "enter", or text.
func press(b interface{ Update(tea.Msg) tea.Cmd }, keys ...string) {
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
		t.Fatalf("row 1 is %v, want the new namespace %v", b.list.rows[1].ns.ID, born[0].ID)
	}
	inner := b.layout().list.w - 2
	got := b.rowView(1, b.columns(inner), inner)
	if want := b.c.styles.Appeared.Render(fit(ansi.Strip(got), inner)); got != want {
		t.Errorf("a new row is drawn as %q, want it highlighted as %q", got, want)
	}
}

// rowOf returns the row of namespace id in the browser's list, or nil.
func rowOf(b *browser, id inspect.NamespaceID) *listRow {
	for i := range b.list.rows {
		if b.list.rows[i].ns.ID == id {
			return &b.list.rows[i]
		}
	}
	return nil
}

// TestVanishedNamespaceFades checks that a namespace gone in a rescan is
// still listed, drawn faded, until flashFor has passed; then it is gone
// and the selection that was on it is on the row at the same place.
func TestVanishedNamespaceFades(t *testing.T) {
	w := labWorld()
	b := newTestBrowser(w, 200, 50)
	press(b, "tab", "tab", "down", "down", "down") // net, fourth row
	gone := b.selected().ID
	now := time.Now()
	b.c.world = w.next(withNamespaces(w.snap, nil, gone), 0, now)
	b.Refresh()
	r := rowOf(b, gone)
	if r == nil || !r.vanished {
		t.Fatalf("right after the rescan, the vanished namespace's row is %+v, want it marked vanished", r)
	}
	if b.selected().ID != gone {
		t.Errorf("the selection left the vanished row for %v", b.selected().ID)
	}
	press(b, "up") // to see the row drawn unselected
	inner := b.layout().list.w - 2
	got := b.rowView(3, b.columns(inner), inner)
	if want := b.c.styles.Vanished.Render(fit(ansi.Strip(got), inner)); got != want {
		t.Errorf("vanished row drawn as %q, want %q", got, want)
	}
	press(b, "down")
	if b.c.world.expire(now.Add(flashFor - time.Millisecond)) {
		t.Errorf("the highlight ended before %s", flashFor)
	}
	if !b.c.world.expire(now.Add(flashFor)) {
		t.Fatalf("the highlight did not end after %s", flashFor)
	}
	b.Refresh()
	if r := rowOf(b, gone); r != nil {
		t.Errorf("after %s the vanished namespace is still listed", flashFor)
	}
	if b.list.cursor != 3 {
		t.Errorf("the selection is on row %d, want 3, the row at the same place", b.list.cursor)
	}
}

// TestFilterMatchesEachKind checks that `/` finds a namespace by each
// thing it searches: command, pid, inode, container name and id,
// interface name, bind mount path.
func TestFilterMatchesEachKind(t *testing.T) {
	w := labWorld()
	snap := w.snap
	var web6, lab *inspect.Namespace
	for _, ns := range snap.Namespaces {
		if ns.Type == inspect.Net && ns.Container != nil && ns.Container.Name == "web-6" {
			web6 = ns
		}
		if ns.Type == inspect.Net && len(ns.Holders) > 0 && ns.Holders[0].Path == "/run/netns/lab-9" {
			lab = ns
		}
	}
	if web6 == nil || lab == nil {
		t.Fatal("the lab has no container web-6 or netns lab-9")
	}
	shim := snap.Processes[1]
	for _, p := range snap.SortedProcesses() {
		if p.Comm == "containerd-shim" {
			shim = p
			break
		}
	}
	cases := []struct {
		kind, query string
		want        *inspect.Namespace
		tab         int
	}{
		{"command", "NGINX -g", web6, 2},
		{"pid", fmt.Sprint(web6.Lowest().PID), web6, 2},
		{"inode", fmt.Sprint(web6.ID.Ino)[5:], web6, 2},
		{"container name", "web-6", web6, 2},
		{"container id", web6.Container.ID[:10], web6, 2},
		{"interface", lab.Details.Net.Interfaces[1].Name, lab, 2},
		{"bind mount", "lab-9", lab, 2},
		{"command of the host", shim.Cmdline[0], snap.Namespaces[snap.Initial[inspect.LinkMnt]], 1},
	}
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			b := newTestBrowser(w, 80, 24)
			for range tc.tab {
				press(b, "tab")
			}
			press(b, "/", tc.query)
			if !b.Typing() {
				t.Fatal("the filter is not typing after /")
			}
			if rowOf(b, tc.want.ID) == nil {
				t.Errorf("filter %q does not keep %s %v (rows: %d)", tc.query, tc.want.Type, tc.want.ID, len(b.list.rows))
			}
			if len(b.list.rows) == len(newTestBrowser(w, 80, 24).list.rows) && tc.tab == 0 {
				t.Errorf("filter %q kept every row", tc.query)
			}
			press(b, "enter")
			if b.Typing() || b.filter.text != tc.query {
				t.Errorf("after enter: typing %v, filter %q; want the filter kept, not typing", b.Typing(), b.filter.text)
			}
			press(b, "esc")
			if b.filter.text != "" {
				t.Errorf("esc left the filter %q", b.filter.text)
			}
		})
	}
}

// TestFilterNarrows checks that a filter that matches nothing empties
// the list and says so, and that q is typed into it rather than quitting.
func TestFilterNarrows(t *testing.T) {
	c := testCommon()
	m := labModel(c, labWorld())
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	sendKeys(m, "/", "zzq")
	b := m.pages[0].(*browser)
	if b.filter.text != "zzq" {
		t.Fatalf("filter is %q, want zzq (q typed, not quitting)", b.filter.text)
	}
	if len(b.list.rows) != 0 || !strings.Contains(browserScreen(m, 80, 24), "0 matches") {
		t.Errorf("filter zzq kept %d rows, want none and 0 matches shown", len(b.list.rows))
	}
}

// TestClickSelectsRow checks that a click on a row of the list selects
// it and one on a tab opens it, in the coordinates of the whole terminal,
// and that the wheel scrolls the list.
func TestClickSelectsRow(t *testing.T) {
	c := testCommon()
	m := labModel(c, labWorld())
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	b := m.pages[0].(*browser)
	// header, tabs, the pane's top border and column header, then rows.
	y := lipgloss.Height(m.headerView()) + 1 + 2 + 4
	m.Update(tea.MouseClickMsg{X: 10, Y: y, Button: tea.MouseLeft})
	if b.list.cursor != 4 {
		t.Errorf("click on the fifth row selected row %d", b.list.cursor)
	}
	m.Update(tea.MouseWheelMsg{X: 10, Y: y, Button: tea.MouseWheelDown})
	if b.list.offset != wheelStep {
		t.Errorf("wheel down scrolled to %d, want %d", b.list.offset, wheelStep)
	}
	widths := b.tabWidths()
	x := widths[0] + 1 + widths[1] + 1 + 2 // inside the third tab, net
	m.Update(tea.MouseClickMsg{X: x, Y: lipgloss.Height(m.headerView()), Button: tea.MouseLeft})
	if tabs[b.tab].typ != inspect.Net || tabs[b.tab].all {
		t.Errorf("a click on the net tab opened tab %s", tabs[b.tab].name())
	}
}

// TestExplainEveryType checks that `i` opens an explainer for the tab's
// type, and that every type has one with its flag, files and commands.
func TestExplainEveryType(t *testing.T) {
	for _, typ := range inspect.Types {
		x, ok := explainers[typ]
		if !ok || x.flag == "" || x.since == "" || x.isolates == "" || len(x.files) == 0 || len(x.try) == 0 {
			t.Errorf("%s: explainer incomplete: %+v", typ, x)
		}
		if !strings.Contains(strings.Join(x.files, " "), "/proc/PID/ns/"+typ.String()) {
			t.Errorf("%s: explainer does not name /proc/PID/ns/%s", typ, typ)
		}
	}
	b := newTestBrowser(labWorld(), 80, 24)
	press(b, "tab", "tab", "tab") // pid
	cmd := b.Update(tea.KeyPressMsg{Code: 'i', Text: "i"})
	if cmd == nil {
		t.Fatal("i opened nothing")
	}
	open, ok := cmd().(openMsg)
	if !ok {
		t.Fatalf("i sent %T, want openMsg", cmd())
	}
	if e, ok := open.page.(*explainPage); !ok || e.typ != inspect.PID {
		t.Errorf("i opened %T %v, want the pid explainer", open.page, open.page.Title())
	}
}

// TestEnterOnProcessOpensIt checks that enter on a namespace moves into
// its process tree, and enter there opens the process under the cursor.
func TestEnterOnProcessOpensIt(t *testing.T) {
	b := newTestBrowser(labWorld(), 80, 24)
	press(b, "tab", "tab", "down", "enter", "down") // a container's net namespace, its second process
	if !b.detailFocus {
		t.Fatal("enter on a namespace did not move into its processes")
	}
	want := b.detail.current()
	cmd := b.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if cmd == nil {
		t.Fatal("enter on a process opened nothing")
	}
	open, ok := cmd().(openMsg)
	if !ok {
		t.Fatalf("enter on a process sent %T, want openMsg", cmd())
	}
	if p, ok := open.page.(*processPage); !ok || p.key != want.Key() {
		t.Fatalf("enter opened %T, want the process page of %v", open.page, want.Key())
	}
	press(b, "esc")
	if b.detailFocus {
		t.Error("esc did not leave the process tree")
	}
}

// TestEscClosesInsideFirst checks that esc on a browser opened over
// another page leaves its process tree, then clears its filter, and only
// then goes back a page.
func TestEscClosesInsideFirst(t *testing.T) {
	c := testCommon()
	m := labModel(c, labWorld())
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	b := newBrowser(c)
	m.Update(openMsg{page: b})
	sendKeys(m, "/", "web", "enter", "enter") // keep a filter, then into the selection's processes
	if !b.detailFocus || b.filter.text != "web" {
		t.Fatalf("setup: detail focus %v, filter %q", b.detailFocus, b.filter.text)
	}
	for i, want := range []struct {
		focus  bool
		filter string
		pages  int
	}{{false, "web", 2}, {false, "", 2}, {false, "", 1}} {
		sendKeys(m, "esc")
		if b.detailFocus != want.focus || b.filter.text != want.filter || len(m.pages) != want.pages {
			t.Errorf("after esc %d: detail focus %v, filter %q, %d pages; want %v, %q, %d",
				i+1, b.detailFocus, b.filter.text, len(m.pages), want.focus, want.filter, want.pages)
		}
	}
}
