package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/nsdive/nsdive/inspect"
)

// netPage draws the network namespaces and the veth pairs between them as
// a topology, with each interface's rx and tx rates between the last two
// scans. The selection is a namespace or a link, kept across rescans.
// Namespaces that vanished in a rescan stay a moment, faded, as in the
// browser; `/` filters the namespaces as the browser's filter does.
type netPage struct {
	c             *common
	width, height int
	filter        filterInput
	matches       int // the network namespaces the filter keeps

	snap  *inspect.Snapshot // the snapshot the rates were computed for
	topo  *netTopology
	rates map[netIfKey]netRate
	span  float64 // seconds between the scans the rates span; 0 without rates
	cols  netCols

	cursor int    // the selected row
	top    int    // the first row shown
	sel    netSel // what the cursor is on, found again after a rescan
}

// newNetPage returns the network page with the selection on the focus
// namespace: its heading, or the first link that draws it.
func newNetPage(c *common, focus inspect.NamespaceID) *netPage {
	p := &netPage{c: c, sel: netSel{ns: focus}}
	p.Refresh()
	return p
}

// netFocus is the network namespace the network page opens on for a
// selected namespace: itself for a network namespace, else its lowest
// process's; zero (the page's first row) when it has no process.
func netFocus(ns *inspect.Namespace) inspect.NamespaceID {
	if ns.Type == inspect.Net {
		return ns.ID
	}
	if p := ns.Lowest(); p != nil {
		return p.Namespaces[inspect.LinkNet]
	}
	return inspect.NamespaceID{}
}

// Title names the page.
func (p *netPage) Title() string { return "network" }

// netShowKey shows the selection in the browser: a namespace, or a
// link's far end.
var netShowKey = key.NewBinding(key.WithKeys("enter"), key.WithHelp("⏎", "show in browser"))

// Keys are the page's own keys.
func (p *netPage) Keys() []key.Binding {
	if p.filter.typing {
		return []key.Binding{filterKeep, filterClear}
	}
	k := p.c.keys
	return []key.Binding{k.Up, k.Down, netShowKey, k.Filter}
}

// Typing reports whether the filter is being typed: the root then passes
// every key here.
func (p *netPage) Typing() bool { return p.filter.typing }

// closeInside clears a kept filter; it reports whether there was one
// (else esc goes back a page).
func (p *netPage) closeInside() bool {
	if p.filter.text == "" {
		return false
	}
	p.filter.clear()
	p.layout()
	return true
}

// SetSize gives the page its room.
func (p *netPage) SetSize(w, h int) {
	p.width, p.height = w, h
	p.scrollTo(p.cursor)
}

// Refresh lays out the world again (a new snapshot, or highlights that
// ran out), with the rates since the snapshot before when it is new.
func (p *netPage) Refresh() {
	w := p.c.world
	if w == nil {
		return
	}
	p.filter.forget()
	if w.snap != p.snap {
		p.snap = w.snap
		p.rates = ratesBetween(w.netPrev, w.snap)
		p.span = 0
		if w.netPrev != nil {
			p.span = w.snap.Taken.Sub(w.netPrev.taken).Seconds()
		}
	}
	p.layout()
}

// layout builds the rows of the namespaces the filter keeps, with those
// that vanished a moment ago, and finds the selection again: the same
// namespace or link, or for a link that went, its first end's namespace,
// or else the row at the same place.
func (p *netPage) layout() {
	w := p.c.world
	var gone []*inspect.Namespace
	for id, v := range w.vanished {
		if v.ns.Type == inspect.Net && w.snap.Namespaces[id] == nil {
			gone = append(gone, v.ns)
		}
	}
	p.matches = 0
	p.topo = buildNetTopology(w.snap, func(ns *inspect.Namespace) bool {
		kept := p.filter.keeps(w, ns)
		if kept && w.snap.Namespaces[ns.ID] == ns {
			p.matches++
		}
		return kept
	}, gone)
	p.cols = measureNetCols(w.snap, p.topo.rows)
	i, ok := p.topo.at[p.sel]
	if !ok && p.sel.isLink() {
		i, ok = p.topo.at[netSel{ns: p.sel.a.ns}]
	}
	if !ok {
		i = min(p.cursor, len(p.topo.rows)-1)
	}
	p.cursor = max(i, 0)
	p.move(0)
}

// Update handles the movement keys, enter and the mouse wheel.
func (p *netPage) Update(msg tea.Msg) tea.Cmd {
	if p.topo == nil {
		return nil
	}
	k := p.c.keys
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if p.filter.typing {
			if p.filter.key(msg) {
				p.layout()
			}
			return nil
		}
		switch {
		case key.Matches(msg, k.Filter):
			p.filter.start()
			p.scrollTo(p.cursor)
		case key.Matches(msg, k.Up):
			p.move(-1)
		case key.Matches(msg, k.Down):
			p.move(1)
		case key.Matches(msg, k.PageUp):
			p.move(-p.listHeight())
		case key.Matches(msg, k.PageDown):
			p.move(p.listHeight())
		case key.Matches(msg, k.Top):
			p.move(-len(p.topo.rows))
		case key.Matches(msg, k.Bottom):
			p.move(len(p.topo.rows))
		case key.Matches(msg, netShowKey):
			if ns := p.selected(); ns != nil {
				return func() tea.Msg { return showMsg{ns: ns.ID} }
			}
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			p.move(-wheelStep)
		case tea.MouseWheelDown:
			p.move(wheelStep)
		}
	case tea.PasteMsg:
		if p.filter.typing {
			p.filter.text += msg.Content
			p.layout()
		}
	case tea.MouseClickMsg:
		// Rows start under the title line and the filter's.
		head := p.headLines()
		if i := p.top + msg.Y - head; msg.Button == tea.MouseLeft && msg.Y >= head && msg.Y < head+p.listHeight() &&
			i < len(p.topo.rows) && p.topo.rows[i].sel != (netSel{}) {
			p.cursor = i
			p.move(0)
		}
	}
	return nil
}

// move moves the cursor by d rows, onto the nearest row that can be
// selected (headings and plain interfaces cannot), and scrolls to it.
func (p *netPage) move(d int) {
	rows := p.topo.rows
	if len(rows) == 0 {
		return
	}
	i := min(max(p.cursor+d, 0), len(rows)-1)
	step := 1
	if d < 0 {
		step = -1
	}
	j := i
	for j >= 0 && j < len(rows) && rows[j].sel == (netSel{}) {
		j += step
	}
	if j < 0 || j >= len(rows) { // none that way: the nearest the other way
		for j = i; j >= 0 && j < len(rows) && rows[j].sel == (netSel{}); j -= step {
		}
	}
	if j >= 0 && j < len(rows) {
		p.cursor, p.sel = j, rows[j].sel
	}
	p.scrollTo(p.cursor)
}

// scrollTo scrolls as little as shows row i, and the heading of its
// namespace's block when that fits too.
func (p *netPage) scrollTo(i int) {
	h := p.listHeight()
	if h <= 0 || p.topo == nil {
		return
	}
	if i < p.top {
		p.top = i
		if head := p.headingOf(i); i-head < h {
			p.top = head
		}
	}
	if i >= p.top+h {
		p.top = i - h + 1
	}
	p.top = max(0, min(p.top, len(p.topo.rows)-h))
}

// headingOf returns the row of the heading of row i's block.
func (p *netPage) headingOf(i int) int {
	for j := i; j >= 0; j-- {
		if p.topo.rows[j].kind == netRowNS || p.topo.rows[j].kind == netRowSection {
			return j
		}
	}
	return i
}

// selected returns the namespace enter opens: the selected namespace, or
// the far end's of a selected link.
func (p *netPage) selected() *inspect.Namespace {
	if p.topo == nil || p.cursor >= len(p.topo.rows) {
		return nil
	}
	r := p.topo.rows[p.cursor]
	if r.kind == netRowLink {
		return r.farNS
	}
	return r.ns
}

// listHeight is the number of topology rows shown: the room less the
// title line, the filter's and the detail of the selection.
func (p *netPage) listHeight() int {
	return max(p.height-p.headLines()-p.detailHeight(), 0)
}

// headLines is the number of lines above the rows: the title, and the
// filter's while it is typed or kept.
func (p *netPage) headLines() int {
	if p.filter.typing || p.filter.text != "" {
		return 2
	}
	return 1
}

// detailHeight is the room of the selection's detail under the list: a
// rule and four lines, or two on a small page, or none on a tiny one.
func (p *netPage) detailHeight() int {
	switch {
	case p.height >= 16:
		return 5
	case p.height >= 10:
		return 3
	}
	return 0
}

// rateOf returns the rate text of an interface's row, or a dot.
func (p *netPage) rateOf(ns *inspect.Namespace, ifc *inspect.Interface) (rx, tx string, ok bool) {
	r, ok := p.rates[netIfKey{ns.ID, ifc.Index}]
	if !ok {
		return "·", "·", false
	}
	return sizeText(r.rx), sizeText(r.tx), true
}

// spanText says what the rates span: "rates over 2.0s", or why none.
func (p *netPage) spanText() string {
	switch {
	case p.c.world.fromFile != "":
		return "no rates in a saved snapshot"
	case p.span == 0:
		return "rates after the next scan"
	}
	return fmt.Sprintf("rates over %.1fs", p.span)
}
