package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/nsdive/nsdive/inspect"
)

// The mount page's own keys.
var (
	mountTreeKey  = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "tree/flat"))
	mountFocusKey = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "mounts/links"))
	mountJumpKey  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("⏎", "go to linked mount"))
)

// mountPage shows a mount namespace's mounts like findmnt, and for the
// chosen mount the mounts in every mount namespace that share its mount
// events or receive them: its peer group across namespaces.
type mountPage struct {
	c             *common
	mntns         inspect.NamespaceID
	width, height int

	ns     *inspect.Namespace // the namespace, from the last snapshot that had it
	snap   *inspect.Snapshot  // that snapshot
	gone   bool               // the namespace vanished at a rescan
	flat   bool               // TARGET as a flat list rather than a tree
	rows   []mountRow
	list   scroller
	selID  int    // the chosen mount's id, kept across rescans
	selDir string // and its target, for a mount that was replaced

	links      []mountLink // of the chosen mount
	linkList   scroller
	focusLinks bool // the keys move over links rather than mounts
}

// mountRow is one mount as the page lists it.
type mountRow struct {
	m      *inspect.Mount
	prefix string // the tree's lines before the target
	others int    // links into other mount namespaces
}

// newMountPage returns the mount page of mount namespace mntns.
func newMountPage(c *common, mntns inspect.NamespaceID) *mountPage {
	p := &mountPage{c: c, mntns: mntns}
	p.Refresh()
	return p
}

// Title names the page.
func (p *mountPage) Title() string { return "mnt " + p.mntns.String() }

// Keys are the page's own keys; the arrows are in help with the other
// movement keys.
func (p *mountPage) Keys() []key.Binding {
	if p.focusLinks {
		return []key.Binding{mountJumpKey, mountFocusKey, p.c.keys.Back}
	}
	return []key.Binding{mountFocusKey, mountTreeKey, p.c.keys.Back}
}

// SetSize gives the page its room.
func (p *mountPage) SetSize(w, h int) {
	p.width, p.height = w, h
	p.fitLists()
}

// Refresh takes the new world: the same namespace's table, the chosen
// mount found again by id, else by target.
func (p *mountPage) Refresh() {
	w := p.c.world
	if w == nil {
		return
	}
	if ns := w.snap.Namespaces[p.mntns]; ns != nil {
		p.ns, p.snap, p.gone = ns, w.snap, false
	} else if p.snap != nil {
		p.gone = true
	} else {
		p.snap = w.snap
	}
	p.rebuild()
}

// rebuild lays out the rows and finds the chosen mount again.
func (p *mountPage) rebuild() {
	table := p.snap.Mounts[p.mntns]
	p.rows = mountRows(table, p.flat)
	at := -1
	for i, r := range p.rows {
		if r.m.ID == p.selID {
			at = i
			break
		}
		if at < 0 && p.selDir != "" && r.m.MountPoint == p.selDir {
			at = i
		}
	}
	for i := range p.rows {
		ref := inspect.MountRef{MountNS: p.mntns, MountID: p.rows[i].m.ID}
		p.rows[i].others = elsewhere(mountLinks(p.snap, ref), ref)
	}
	p.list.total = len(p.rows)
	if at >= 0 {
		p.list.cursor = at
	}
	p.fitLists()
	p.choose()
}

// choose takes the mount under the cursor as the chosen one.
func (p *mountPage) choose() {
	p.links = nil
	if m := p.current(); m != nil {
		p.selID, p.selDir = m.ID, m.MountPoint
		p.links = mountLinks(p.snap, inspect.MountRef{MountNS: p.mntns, MountID: m.ID})
	}
	p.linkList.total = len(p.links)
	p.linkList.clamp()
	if len(p.links) == 0 {
		p.focusLinks = false
	}
}

// current returns the mount under the cursor, nil in an empty table.
func (p *mountPage) current() *inspect.Mount {
	if p.list.cursor < len(p.rows) {
		return p.rows[p.list.cursor].m
	}
	return nil
}

// mountRows orders a mount table as findmnt does: a tree of mounts under
// their parents, in mountinfo order, or that order flat.
func mountRows(table []inspect.Mount, flat bool) []mountRow {
	rows := make([]mountRow, 0, len(table))
	if flat {
		for i := range table {
			rows = append(rows, mountRow{m: &table[i]})
		}
		return rows
	}
	byID := make(map[int]bool, len(table))
	for i := range table {
		byID[table[i].ID] = true
	}
	children := make(map[int][]*inspect.Mount)
	var roots []*inspect.Mount
	for i := range table {
		m := &table[i]
		if m.ParentID == m.ID || !byID[m.ParentID] {
			roots = append(roots, m)
			continue
		}
		children[m.ParentID] = append(children[m.ParentID], m)
	}
	var walk func(m *inspect.Mount, lead, branch string)
	walk = func(m *inspect.Mount, lead, branch string) {
		rows = append(rows, mountRow{m: m, prefix: lead + branch})
		kids := children[m.ID]
		delete(children, m.ID) // a loop in a broken table ends here
		next := lead
		switch branch {
		case "├─":
			next += "│ "
		case "└─":
			next += "  "
		}
		for i, k := range kids {
			b := "├─"
			if i == len(kids)-1 {
				b = "└─"
			}
			walk(k, next, b)
		}
	}
	for _, r := range roots {
		walk(r, "", "")
	}
	return rows
}

// Update moves over the mounts or the links, and jumps to a linked mount.
func (p *mountPage) Update(msg tea.Msg) tea.Cmd {
	k := p.c.keys
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		delta := 1
		if msg.Button == tea.MouseWheelUp {
			delta = -1
		}
		p.move(delta)
	case tea.MouseClickMsg:
		p.click(msg.Mouse())
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, mountFocusKey):
			p.focusLinks = !p.focusLinks && len(p.links) > 0
		case key.Matches(msg, mountTreeKey):
			p.flat = !p.flat
			p.rebuild()
		case key.Matches(msg, k.Open):
			if !p.focusLinks && len(p.links) > 0 {
				p.focusLinks = true
				return nil
			}
			return p.jump()
		case key.Matches(msg, k.Up):
			p.move(-1)
		case key.Matches(msg, k.Down):
			p.move(1)
		case key.Matches(msg, k.PageUp):
			p.move(-max(p.list.height-1, 1))
		case key.Matches(msg, k.PageDown):
			p.move(max(p.list.height-1, 1))
		case key.Matches(msg, k.Top):
			p.move(-len(p.rows))
		case key.Matches(msg, k.Bottom):
			p.move(len(p.rows))
		}
	}
	return nil
}

// click chooses the mount or the link under the mouse, in the page's
// coordinates: the title and the table's header above the mounts, the
// links' title, the meaning and the links' header above the links.
func (p *mountPage) click(m tea.Mouse) {
	if m.Button != tea.MouseLeft {
		return
	}
	shown := min(p.list.height, len(p.rows)-p.list.top)
	if i := m.Y - 2; i >= 0 && i < shown {
		p.focusLinks = false
		p.list.cursor = p.list.top + i
		p.choose()
		return
	}
	cur := p.current()
	if cur == nil || len(p.links) == 0 {
		return
	}
	first := 2 + shown + 1 + len(p.meaningLines(cur)) + 1
	if i := m.Y - first; i >= 0 && i < min(p.linkList.height, len(p.links)-p.linkList.top) {
		p.focusLinks = true
		p.linkList.cursor = p.linkList.top + i
	}
}

// closeInside takes esc back from the links to the mounts, before esc
// leaves the page.
func (p *mountPage) closeInside() bool {
	if !p.focusLinks {
		return false
	}
	p.focusLinks = false
	return true
}

// move moves the cursor of the list that has the focus.
func (p *mountPage) move(delta int) {
	if p.focusLinks {
		p.linkList.move(delta)
		return
	}
	p.list.move(delta)
	p.choose()
}

// jump opens the mount page of the linked mount under the cursor, with
// that mount chosen.
func (p *mountPage) jump() tea.Cmd {
	if !p.focusLinks || p.linkList.cursor >= len(p.links) {
		return nil
	}
	l := p.links[p.linkList.cursor]
	next := newMountPage(p.c, l.ref.MountNS)
	next.selectMount(l.ref.MountID)
	return openCmd(next)
}

// selectMount puts the cursor on mount id.
func (p *mountPage) selectMount(id int) {
	p.selID, p.selDir = id, ""
	p.rebuild()
}

// layout splits the height between the mount list and the links pane
// below it (its title, the meaning of the chosen mount's propagation, the
// links' header and the links). The split depends on the page's size and
// the table's length only, so that the list keeps its height as the
// cursor moves; the links get what the list leaves of its third.
func (p *mountPage) layout() (listRows, linkRows int) {
	room := p.height - 2 // the title and the table's header
	pane := min(max(room/3, 6), 12)
	listRows = max(min(room-pane, len(p.rows)), 1)
	meaning := 1
	if m := p.current(); m != nil {
		meaning = len(p.meaningLines(m))
	}
	return listRows, max(room-listRows-2-meaning, 1)
}

func (p *mountPage) fitLists() {
	listRows, linkRows := p.layout()
	p.list.fit(listRows)
	p.linkList.fit(linkRows)
}
