package ui

import (
	"context"
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/nsdive/nsdive/inspect"
)

// TestNetPageView draws the fixture's network at two terminal sizes, the
// selection on web's link.
func TestNetPageView(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {200, 50}} {
		c := testCommon()
		c.world = netFixtureWorld()
		p := newNetPage(c, netWeb)
		p.SetSize(size.w, size.h)
		checkGolden(t, fmt.Sprintf("net-%dx%d", size.w, size.h), ansi.Strip(p.View())+"\n")
	}
}

// TestNetPageKeepsSelection: after a rescan in which a namespace appeared
// above the selection and another link went, the selection is on the
// same link; a link that went leaves it on its first end's namespace.
func TestNetPageKeepsSelection(t *testing.T) {
	c := testCommon()
	c.world = netFixtureWorld()
	p := newNetPage(c, netDB)
	p.SetSize(80, 24)
	if r := p.topo.rows[p.cursor]; r.kind != netRowLink || r.farNS.ID != netDB {
		t.Fatalf("focus on db: row %d %+v, want db's link", p.cursor, r)
	}
	dbLink := p.sel

	next := netFixture(3, netFixtureTaken.Add(4*time.Second))
	// A container that sorts before db joins docker0, above db's link.
	early := inspect.NamespaceID{Dev: 4, Ino: 4026532500}
	addContainer(next, early, "app", 11)
	c.world = c.world.next(next, 0, netFixtureTaken.Add(4*time.Second))
	p.Refresh()
	if p.sel != dbLink || p.topo.rows[p.cursor].farNS.ID != netDB {
		t.Errorf("after a rescan: selection %+v on row %+v, want db's link %+v", p.sel, p.topo.rows[p.cursor], dbLink)
	}

	// db's veth is gone: the selection falls to the host's heading.
	gone := netFixture(4, netFixtureTaken.Add(6*time.Second))
	host := gone.Namespaces[netHost].Details.Net
	host.Interfaces = host.Interfaces[:len(host.Interfaces)-1]
	c.world = c.world.next(gone, 0, netFixtureTaken.Add(6*time.Second))
	p.Refresh()
	if r := p.topo.rows[p.cursor]; r.kind != netRowNS || r.ns.ID != dbLink.a.ns {
		t.Errorf("after the link went: row %+v, want the heading of %v", r, dbLink.a.ns)
	}
}

// addContainer adds a docker container named name to snap whose eth0 is
// wired to a port of docker0 with ifindex port.
func addContainer(snap *inspect.Snapshot, id inspect.NamespaceID, name string, port int) {
	c := &inspect.Container{Engine: "docker", ID: "a0a0a0a0a0a0", Name: name}
	snap.Namespaces[id] = &inspect.Namespace{ID: id, Type: inspect.Net, Container: c, Containers: []*inspect.Container{c},
		Details: inspect.Details{Net: &inspect.NetInfo{Interfaces: []inspect.Interface{{Index: 2, Name: "eth0", Kind: "veth", State: "up",
			Addrs: []string{"172.17.0.9/16"}, Peer: &inspect.PeerRef{Namespace: netHost, Index: port, Name: "vethapp"}}}}}}
	host := snap.Namespaces[netHost].Details.Net
	host.Interfaces = append(host.Interfaces, inspect.Interface{Index: port, Name: "vethapp", Kind: "veth", State: "up", Master: "docker0",
		Peer: &inspect.PeerRef{Namespace: id, Index: 2, Name: "eth0"}})
}

// TestNetPageFlow opens the network page with n on the browser's
// selection, walks to web's link, and shows web in the browser with
// enter; a click selects the row under the mouse.
func TestNetPageFlow(t *testing.T) {
	m := newModel(context.Background(), testCommon(), time.Second, netFixtureWorld())
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	send := func(k tea.KeyPressMsg) {
		t.Helper()
		_, cmd := m.Update(k)
		for cmd != nil {
			msg := cmd()
			_, cmd = m.Update(msg)
		}
	}
	send(tea.KeyPressMsg{Code: 'n', Text: "n"})
	p, ok := m.top().(*netPage)
	if !ok {
		t.Fatalf("n opened %T, want the network page", m.top())
	}
	p.Update(tea.MouseClickMsg{X: 10, Y: 1 + p.topo.at[netSel{ns: netBlue}] - p.top, Button: tea.MouseLeft})
	if p.sel != (netSel{ns: netBlue}) {
		t.Errorf("a click on blue's heading selected %+v", p.sel)
	}
	for p.topo.rows[p.cursor].farNS == nil || p.topo.rows[p.cursor].farNS.ID != netWeb {
		before := p.cursor
		send(tea.KeyPressMsg{Code: tea.KeyUp})
		if p.cursor == before {
			t.Fatal("up never reached web's link")
		}
	}
	send(tea.KeyPressMsg{Code: tea.KeyEnter})
	b, ok := m.top().(*browser)
	if !ok || len(m.pages) != 1 {
		t.Fatalf("enter left %d pages, %T on top; want the browser alone", len(m.pages), m.top())
	}
	if ns := b.selected(); ns == nil || ns.ID != netWeb {
		t.Errorf("the browser shows %v, want web's netns %v", ns, netWeb)
	}
}
