package ui

import (
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/nsdive/nsdive/inspect"
)

// browser is the main page: tabs per namespace type, the tab's
// namespaces as a list, and the detail of the selection beside or below
// it. The selection stays on the same namespace across rescans.
type browser struct {
	c             *common
	width, height int

	tab    int   // index into tabs
	counts []int // namespaces per tab, after the filter
	list   nsList
	detail detailPane
	// detailFocus is true when the keyboard moves over the selection's
	// processes rather than the list (enter on a namespace; esc leaves).
	detailFocus bool
	filter      filterInput
}

// newBrowser returns the main page over c's world.
func newBrowser(c *common) *browser {
	b := &browser{c: c}
	b.rebuild()
	return b
}

// Title names the page.
func (b *browser) Title() string { return "namespaces" }

// Keys are the browser's own keys, for the footer and help; the arrows
// are left to help's movement keys, so that an 80-column footer has room
// for the keys that open things.
func (b *browser) Keys() []key.Binding {
	k := b.c.keys
	if b.filter.typing {
		return []key.Binding{filterKeep, filterClear}
	}
	if b.detailFocus {
		return append([]key.Binding{k.Open, k.Back}, b.openKeys()...)
	}
	return append([]key.Binding{k.NextTab, k.Open, k.Filter}, b.openKeys()...)
}

// Typing reports whether the filter is being typed: the root then passes
// every key here.
func (b *browser) Typing() bool { return b.filter.typing }

// SetSize gives the page its room.
func (b *browser) SetSize(w, h int) {
	b.width, b.height = w, h
	b.list.fit(b.layout().listRows)
}

// Refresh rebuilds the rows from the new world and keeps the selection on
// the same namespace.
func (b *browser) Refresh() {
	b.filter.forget()
	b.update(true)
}

// rebuild recomputes the rows for a new tab or filter.
func (b *browser) rebuild() { b.update(false) }

// update recomputes the tab counts, the rows and the detail; rescan says
// the world changed, and the selected row then keeps its place on the
// screen.
func (b *browser) update(rescan bool) {
	b.counts = b.tabCounts()
	if b.c.world == nil {
		return
	}
	b.list.set(b.buildRows(), b.layout().listRows, rescan)
	b.detail.show(b.c, b.selected())
}

// selected returns the namespace under the cursor, nil when there is none.
func (b *browser) selected() *inspect.Namespace {
	if r := b.list.current(); r != nil {
		return r.ns
	}
	return nil
}

// Update handles keys and the mouse.
func (b *browser) Update(msg tea.Msg) tea.Cmd {
	if b.c.world == nil {
		return nil
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if b.filter.typing {
			if b.filter.key(msg) {
				b.rebuild()
			}
			return nil
		}
		return b.key(msg)
	case tea.PasteMsg:
		if b.filter.typing {
			b.filter.text += msg.Content
			b.rebuild()
		}
	case tea.MouseClickMsg:
		b.click(msg.Mouse())
	case tea.MouseWheelMsg:
		b.wheel(msg.Mouse())
	}
	return nil
}

// key handles a key when the filter is not being typed.
func (b *browser) key(msg tea.KeyPressMsg) tea.Cmd {
	k := b.c.keys
	if cmd := b.open(msg); cmd != nil {
		return cmd
	}
	if b.detailFocus {
		switch {
		case key.Matches(msg, k.Back), key.Matches(msg, k.Left):
			b.closeInside()
		case key.Matches(msg, k.Up):
			b.detail.move(-1)
		case key.Matches(msg, k.Down):
			b.detail.move(1)
		case key.Matches(msg, k.PageUp):
			b.detail.move(-b.layout().detail.h)
		case key.Matches(msg, k.PageDown):
			b.detail.move(b.layout().detail.h)
		case key.Matches(msg, k.Top):
			b.detail.move(-len(b.detail.procs))
		case key.Matches(msg, k.Bottom):
			b.detail.move(len(b.detail.procs))
		}
		return nil
	}
	moved := true
	switch {
	case key.Matches(msg, k.Up):
		b.list.move(-1)
	case key.Matches(msg, k.Down):
		b.list.move(1)
	case key.Matches(msg, k.PageUp):
		b.list.move(-b.list.height)
	case key.Matches(msg, k.PageDown):
		b.list.move(b.list.height)
	case key.Matches(msg, k.Top):
		b.list.move(-len(b.list.rows))
	case key.Matches(msg, k.Bottom):
		b.list.move(len(b.list.rows))
	case key.Matches(msg, k.NextTab), key.Matches(msg, k.Right):
		b.switchTab(1)
	case key.Matches(msg, k.PrevTab), key.Matches(msg, k.Left):
		b.switchTab(-1)
	case key.Matches(msg, k.Open):
		if b.selected() != nil {
			b.detailFocus = true
		}
		moved = false
	case key.Matches(msg, k.Filter):
		b.filter.start()
		moved = false
	case key.Matches(msg, k.Back):
		b.closeInside()
		moved = false
	default:
		moved = false
	}
	if moved {
		b.detail.show(b.c, b.selected())
	}
	return nil
}

// closeInside leaves the detail's process tree or, from the list, clears
// the filter; it reports whether there was either (else esc goes back a
// page, when the browser is not the first).
func (b *browser) closeInside() bool {
	switch {
	case b.detailFocus:
		b.detailFocus = false
	case b.filter.text != "":
		b.filter.clear()
		b.rebuild()
	default:
		return false
	}
	return true
}

// open maps a key to the page it opens on the selection, as an openMsg:
// the one place where keys open other pages (the explainer here; the
// process, mount and network pages add theirs).
func (b *browser) open(msg tea.KeyPressMsg) tea.Cmd {
	k := b.c.keys
	switch {
	case key.Matches(msg, k.Explain):
		return openCmd(newExplainPage(b.c, b.explainType()))
	case b.detailFocus && key.Matches(msg, k.Open):
		if p := b.detail.current(); p != nil {
			return openCmd(newProcessPage(b.c, p.Key()))
		}
		return nil
	case key.Matches(msg, k.Process):
		if p := b.chosenProcess(); p != nil {
			return openCmd(newProcessPage(b.c, p.Key()))
		}
		return statusCmd("no process is in the selected namespace")
	case key.Matches(msg, k.Mounts):
		if mntns := b.chosenMountNS(); !mntns.IsZero() {
			return openCmd(newMountPage(b.c, mntns))
		}
		return statusCmd("no process is in the selected namespace to show the mounts of")
	case key.Matches(msg, k.Net):
		var focus inspect.NamespaceID
		if ns := b.selected(); ns != nil {
			focus = netFocus(ns)
		}
		return openCmd(newNetPage(b.c, focus))
	}
	return nil
}

// show selects namespace id, on its type's tab unless the tab shown
// holds it, and clears a filter that hides it: where enter on another
// page's namespace leads (the network page's).
func (b *browser) show(id inspect.NamespaceID) {
	ns := b.c.world.snap.Namespaces[id]
	if ns == nil {
		return
	}
	if !tabs[b.tab].holds(ns.Type) {
		b.tab = slices.IndexFunc(tabs, func(t tab) bool { return !t.all && t.typ == ns.Type })
	}
	if !b.filter.keeps(b.c.world, ns) {
		b.filter.clear()
	}
	b.list.selected = id
	b.detailFocus = false
	b.rebuild()
}

// openKeys are the keys open handles, for the footer and help.
func (b *browser) openKeys() []key.Binding {
	k := b.c.keys
	return []key.Binding{k.Process, k.Mounts, k.Net, k.Explain}
}

// openCmd asks the root to push p.
func openCmd(p page) tea.Cmd {
	return func() tea.Msg { return openMsg{page: p} }
}

// explainType is the type `i` explains: the tab's, or on the all tab the
// selection's (mnt when nothing is selected).
func (b *browser) explainType() inspect.Type {
	if t := tabs[b.tab]; !t.all {
		return t.typ
	}
	if ns := b.selected(); ns != nil {
		return ns.Type
	}
	return inspect.Mnt
}

// View draws the tabs, the filter line, the list and the detail.
func (b *browser) View() string {
	if b.c.world == nil {
		return b.c.styles.Dim.Render("scanning /proc…")
	}
	l := b.layout()
	parts := []string{b.tabsView(b.width)}
	if l.filterLine {
		parts = append(parts, b.filterView(b.width))
	}
	listPane := b.listView(l.list)
	detailPane := b.detailView(l.detail)
	switch {
	case l.detailOnly:
		parts = append(parts, detailPane)
	case l.sideBySide:
		parts = append(parts, lipgloss.JoinHorizontal(lipgloss.Top, listPane, detailPane))
	case l.detail.h > 0:
		parts = append(parts, listPane, detailPane)
	default:
		parts = append(parts, listPane)
	}
	return lipgloss.JoinVertical(lipgloss.Left, parts...)
}
