package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/nsdive/nsdive/inspect"
)

// shownNamespaces lists the namespaces the page draws, in order: with a
// row of their own, or as the far end of a link.
func shownNamespaces(p *netPage) []inspect.NamespaceID {
	var ids []inspect.NamespaceID
	seen := map[inspect.NamespaceID]bool{}
	for _, r := range p.topo.rows {
		nss := []*inspect.Namespace{r.ns}
		if r.kind == netRowLink {
			nss = append(nss, r.farNS)
		}
		for _, ns := range nss {
			if ns != nil && !seen[ns.ID] {
				seen[ns.ID] = true
				ids = append(ids, ns.ID)
			}
		}
	}
	return ids
}

// TestNetPageVanishedFades: a rescan in which the red netns went (with
// its veth pair) still shows red, faded and marked, with its interfaces,
// where it belongs; the selection that was on the blue-red link goes to
// blue; once flashFor has passed, red is gone and the selection stays.
func TestNetPageVanishedFades(t *testing.T) {
	c := testCommon()
	c.world = netFixtureWorld()
	p := newNetPage(c, netBlue)
	p.SetSize(200, 50)
	press(p, "down")
	if r := p.topo.rows[p.cursor]; r.kind != netRowLink || r.farNS.ID != netRed {
		t.Fatalf("focus on blue: row %+v, want blue's link to red", r)
	}
	now := netFixtureTaken.Add(4 * time.Second)
	next := netFixture(3, now)
	blue := next.Namespaces[netBlue].Details.Net
	blue.Interfaces = blue.Interfaces[:1] // v-blue went with v-red
	delete(next.Namespaces, netRed)
	c.world = c.world.next(next, 0, now)
	p.Refresh()

	var redRows []netRow
	for _, r := range p.topo.rows {
		if r.ns != nil && r.ns.ID == netRed {
			redRows = append(redRows, r)
		}
	}
	if len(redRows) == 0 {
		t.Fatalf("right after the rescan red has no row: %v", shownNamespaces(p))
	}
	if r := p.topo.rows[p.cursor]; r.ns == nil || r.ns.ID != netBlue {
		t.Errorf("the selection is on %+v, want blue, the first end of the link that went", r)
	}
	view := ansi.Strip(p.View())
	if !strings.Contains(view, "red") || !strings.Contains(view, "vanished in the last rescan") || !strings.Contains(view, "v-red") {
		t.Errorf("red is not drawn as vanished, with its interfaces:\n%s", view)
	}
	checkGolden(t, "net-vanished-200x50", view+"\n")
	for i, r := range p.topo.rows {
		if r.ns == nil || r.ns.ID != netRed || i == p.cursor {
			continue
		}
		line := p.rowLine(i)
		if !strings.Contains(line, p.c.styles.Vanished.Render(netLabel(p.snap, r.ns))) {
			t.Errorf("red's row %d is not drawn faded: %q", i, line)
		}
	}

	if c.world.expire(now.Add(flashFor - time.Millisecond)) {
		t.Fatalf("the highlight ended before %s", flashFor)
	}
	if !c.world.expire(now.Add(flashFor)) {
		t.Fatalf("the highlight did not end after %s", flashFor)
	}
	p.Refresh()
	for _, id := range shownNamespaces(p) {
		if id == netRed {
			t.Errorf("after %s red is still shown", flashFor)
		}
	}
	if r := p.topo.rows[p.cursor]; r.ns == nil || r.ns.ID != netBlue {
		t.Errorf("after red went, the selection is on %+v, want blue", r)
	}
}

// TestNetPageFilter: `/` keeps the namespaces whose process, netns name,
// interface or address matches; a veth whose far end is filtered out
// names its peer; esc clears the filter.
func TestNetPageFilter(t *testing.T) {
	c := testCommon()
	c.world = netFixtureWorld()
	p := newNetPage(c, inspect.NamespaceID{})
	p.SetSize(80, 24)
	for _, tt := range []struct {
		query string
		want  []inspect.NamespaceID
	}{
		{"postgres", []inspect.NamespaceID{netDB}},
		{"blue", []inspect.NamespaceID{netBlue, netRed}}, // red's veth peer is v-blue
		{"10.0.0.2", []inspect.NamespaceID{netRed}},
		{"172.17", []inspect.NamespaceID{netHost, netWeb, netDB}},
		{"nginx", []inspect.NamespaceID{netWeb}},
		{"docker0", []inspect.NamespaceID{netHost}},
		{fmt.Sprint(netLonely.Ino), []inspect.NamespaceID{netLonely}},
	} {
		press(p, "/", tt.query)
		if !p.Typing() {
			t.Fatalf("%q: the filter is not being typed", tt.query)
		}
		got := shownNamespaces(p)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) || p.matches != len(tt.want) {
			t.Errorf("/%s shows %v (%d matches), want %v", tt.query, got, p.matches, tt.want)
		}
		press(p, "enter")
		if p.Typing() || p.filter.text != tt.query {
			t.Errorf("/%s, enter: typing %v, text %q; want the filter kept", tt.query, p.Typing(), p.filter.text)
		}
		if !p.closeInside() || p.filter.text != "" || len(shownNamespaces(p)) != 6 {
			t.Errorf("/%s, esc: text %q, %d namespaces; want the filter cleared, all 6", tt.query, p.filter.text, len(shownNamespaces(p)))
		}
	}

	press(p, "/", "postgres", "enter")
	var eth0 *netRow
	for i, r := range p.topo.rows {
		if r.ifc != nil && r.ns.ID == netDB && r.ifc.Name == "eth0" {
			eth0 = &p.topo.rows[i]
		}
	}
	if eth0 == nil || eth0.kind != netRowIface || eth0.far == nil || eth0.far.Name != "veth77c0d1e" || eth0.farNS.ID != netHost {
		t.Errorf("db's eth0 with the host filtered out = %+v, want an interface row naming veth77c0d1e in the host", eth0)
	}
	checkGolden(t, "net-filter-80x24", ansi.Strip(p.View())+"\n")
	if p.closeInside(); p.closeInside() {
		t.Error("a second esc found a filter to clear: it should go back a page")
	}
}
