package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
)

// listRow is one namespace of the list.
type listRow struct {
	ns       *inspect.Namespace
	branch   string // the tree's branches before the inode (user, pid)
	vanished bool   // gone in the last rescans, shown faded for a moment
}

// nsList is the scrolling list of the tab's namespaces. The selection is
// a namespace, not a row number: a rescan that inserts rows above it
// leaves it on the same namespace, at the same place on the screen.
type nsList struct {
	rows     []listRow
	cursor   int // index of the selected row
	offset   int // index of the first row shown
	height   int // rows shown
	selected inspect.NamespaceID
	// nsWidth and containerWidth are the widest inode (with its tree
	// branch) and container text of the rows.
	nsWidth, containerWidth int
}

// set replaces the rows, keeping the selection on the same namespace
// (or, when it is gone, on the row at the same place). After a rescan
// (stay) the selected row stays where it was on the screen; after a new
// tab or filter the list scrolls from its top to show it.
func (l *nsList) set(rows []listRow, height int, stay bool) {
	onScreen := l.cursor - l.offset
	l.rows, l.height = rows, height
	l.measure()
	cursor := -1
	for i, r := range rows {
		if r.ns.ID == l.selected {
			cursor = i
			break
		}
	}
	if cursor < 0 {
		cursor = min(l.cursor, len(rows)-1)
	}
	l.cursor = max(cursor, 0)
	l.offset = 0
	if stay {
		l.offset = l.cursor - onScreen
	}
	l.clamp()
	l.remember()
}

// fit changes the number of rows shown.
func (l *nsList) fit(height int) {
	l.height = height
	l.clamp()
}

// move moves the selection by delta rows, scrolling to keep it shown.
func (l *nsList) move(delta int) {
	if len(l.rows) == 0 {
		return
	}
	l.cursor = min(max(l.cursor+delta, 0), len(l.rows)-1)
	l.clamp()
	l.remember()
}

// scroll moves the view by delta rows (the mouse wheel), taking the
// selection along only when it would leave the view.
func (l *nsList) scroll(delta int) {
	l.offset = min(max(l.offset+delta, 0), max(len(l.rows)-l.height, 0))
	l.cursor = min(max(l.cursor, l.offset), l.offset+l.height-1, len(l.rows)-1)
	l.cursor = max(l.cursor, 0)
	l.remember()
}

// selectShown selects the i-th row shown (a click), if there is one.
func (l *nsList) selectShown(i int) bool {
	if i < 0 || i >= l.height || l.offset+i >= len(l.rows) {
		return false
	}
	l.cursor = l.offset + i
	l.remember()
	return true
}

// clamp keeps the offset in range and the cursor in view.
func (l *nsList) clamp() {
	if l.height <= 0 {
		l.offset = l.cursor
		return
	}
	l.offset = min(l.offset, l.cursor)
	l.offset = max(l.offset, l.cursor-l.height+1)
	l.offset = min(l.offset, max(len(l.rows)-l.height, 0))
	l.offset = max(l.offset, 0)
}

func (l *nsList) remember() {
	if r := l.current(); r != nil {
		l.selected = r.ns.ID
	}
}

// current returns the selected row, nil when the list is empty.
func (l *nsList) current() *listRow {
	if l.cursor < len(l.rows) {
		return &l.rows[l.cursor]
	}
	return nil
}

// buildRows lists the tab's namespaces that the filter keeps, with those
// that vanished a moment ago, ordered by tab then inode, user and pid
// namespaces nested under their parents.
func (b *browser) buildRows() []listRow {
	w := b.c.world
	t := tabs[b.tab]
	var nss []*inspect.Namespace
	vanished := map[inspect.NamespaceID]bool{}
	for _, ns := range w.snap.Namespaces {
		if t.holds(ns.Type) && b.filter.keeps(w, ns) {
			nss = append(nss, ns)
		}
	}
	for id, v := range w.vanished {
		if t.holds(v.ns.Type) && w.snap.Namespaces[id] == nil && b.filter.keeps(w, v.ns) {
			nss = append(nss, v.ns)
			vanished[id] = true
		}
	}
	slices.SortFunc(nss, func(a, b *inspect.Namespace) int {
		return cmp.Or(cmp.Compare(tabIndex[a.Type], tabIndex[b.Type]), cmp.Compare(a.ID.Ino, b.ID.Ino), cmp.Compare(a.ID.Dev, b.ID.Dev))
	})
	rows := make([]listRow, 0, len(nss))
	for start := 0; start < len(nss); {
		end := start
		for end < len(nss) && nss[end].Type == nss[start].Type {
			end++
		}
		group := nss[start:end]
		if typ := group[0].Type; typ == inspect.User || typ == inspect.PID {
			rows = appendTree(rows, group, vanished)
		} else {
			for _, ns := range group {
				rows = append(rows, listRow{ns: ns, vanished: vanished[ns.ID]})
			}
		}
		start = end
	}
	return rows
}

// appendTree appends a hierarchy's namespaces depth first under their
// parents, drawing the branches as lsns --tree does.
func appendTree(rows []listRow, nss []*inspect.Namespace, vanished map[inspect.NamespaceID]bool) []listRow {
	drows := make([]*display.Row, len(nss))
	for i, ns := range nss {
		drows[i] = &display.Row{NS: ns}
	}
	type frame struct {
		nodes  []*display.Node
		indent string
	}
	stack := []frame{{nodes: display.Tree(drows, display.ByParent)}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if len(top.nodes) == 0 {
			stack = stack[:len(stack)-1]
			continue
		}
		n := top.nodes[0]
		top.nodes = top.nodes[1:]
		branch, next := "", ""
		if len(stack) > 1 {
			branch, next = top.indent+"├─", top.indent+"│ "
			if len(top.nodes) == 0 {
				branch, next = top.indent+"└─", top.indent+"  "
			}
		}
		ns := nss[n.Row]
		rows = append(rows, listRow{ns: ns, branch: branch, vanished: vanished[ns.ID]})
		if len(n.Children) > 0 {
			stack = append(stack, frame{nodes: n.Children, indent: next})
		}
	}
	return rows
}

// listColumns are the widths of the list's columns for its rows.
type listColumns struct {
	ns, typ, container int
}

// measure finds the widest inode with its branch and the widest
// container of the rows, once per rebuild rather than on every frame.
func (l *nsList) measure() {
	l.nsWidth, l.containerWidth = 10, 0
	for _, r := range l.rows {
		// Branches are box-drawing runes, one cell each.
		l.nsWidth = max(l.nsWidth, utf8.RuneCountInString(r.branch)+len(strconv.FormatUint(r.ns.ID.Ino, 10)))
		if len(r.ns.Containers) > 0 {
			l.containerWidth = max(l.containerWidth, containerWidth(r.ns))
		}
	}
}

// columns sizes the columns for a list inner cells wide: the type on the
// all tab, and the container when some row has one and there is room.
func (b *browser) columns(inner int) listColumns {
	c := listColumns{ns: b.list.nsWidth}
	if tabs[b.tab].all {
		c.typ = 6
	}
	if fixed := c.ns + c.typ + 16; b.list.containerWidth > 0 && inner-fixed >= 40 {
		c.container = min(b.list.containerWidth, max((inner-fixed)/3, 12), 28)
	}
	return c
}

// listView draws the list's pane in r.
func (b *browser) listView(r rect) string {
	st := b.c.styles
	l := b.layout()
	inner := r.w - 2
	cols := b.columns(inner)
	lines := []string{st.Label.Render(fit(b.listHeader(cols), inner))}
	end := min(b.list.offset+l.listRows, len(b.list.rows))
	for i := b.list.offset; i < end; i++ {
		lines = append(lines, b.rowView(i, cols, inner))
	}
	if len(b.list.rows) == 0 {
		lines = append(lines, st.Dim.Render("no namespace here"+b.filter.none()))
	}
	if l.preview {
		for len(lines) < l.listRows+1 {
			lines = append(lines, "")
		}
		lines = append(lines, b.previewLine())
	}
	title := tabs[b.tab].name() + " namespaces"
	if tabs[b.tab].all {
		title = "all namespaces"
	}
	note := ""
	if n := len(b.list.rows); n > 0 {
		note = st.Dim.Render(fmt.Sprintf("%d/%d", b.list.cursor+1, n))
	}
	return b.pane(r, title, note, lines, !b.detailFocus)
}

// listHeader is the column header line.
func (b *browser) listHeader(c listColumns) string {
	h := padRight("NS", c.ns) + " "
	if c.typ > 0 {
		h += padRight("TYPE", c.typ) + " "
	}
	h += "PROCS     PID "
	if c.container > 0 {
		h += padRight("CONTAINER", c.container) + " "
	}
	return h + "COMMAND / HELD BY"
}

// rowView draws row i: inode with its branch, type, process count, lowest
// pid, container and command, or for a namespace no process is in, what
// holds it.
func (b *browser) rowView(i int, c listColumns, inner int) string {
	st := b.c.styles
	r := b.list.rows[i]
	ns := r.ns
	text := padRight(r.branch+strconv.FormatUint(ns.ID.Ino, 10), c.ns) + " "
	if c.typ > 0 {
		text += padRight(ns.Type.String(), c.typ) + " "
	}
	pid := ""
	if p := ns.Lowest(); p != nil {
		pid = display.PIDText(p)
	}
	text += fmt.Sprintf("%5d %7s ", ns.NumProcs(), pid)
	if c.container > 0 {
		text += padRight(fit(containerText(ns), c.container), c.container) + " "
	}
	what, held := b.rowWhat(ns)
	selected := i == b.list.cursor
	switch {
	case selected && !b.detailFocus:
		return st.Selected.Render(fit(text+what, inner))
	case r.vanished:
		return st.Vanished.Render(fit(text+what, inner))
	case b.appeared(ns.ID):
		return st.Appeared.Render(fit(text+what, inner))
	}
	if selected {
		text = st.Key.Render(text)
	}
	if held {
		what = st.Held.Render(what)
	}
	return fit(text+what, inner)
}

// rowWhat is a row's last column: the lowest process's command, or what
// holds a namespace that no process is in (held true).
func (b *browser) rowWhat(ns *inspect.Namespace) (string, bool) {
	if p := ns.Lowest(); p != nil {
		return display.CommandLine(p), false
	}
	labels := b.c.world.snap.HolderLabels(ns)
	if len(labels) == 0 {
		return "", false
	}
	what := holderMark(labels[0])
	if len(labels) > 1 {
		what += fmt.Sprintf(" +%d", len(labels)-1)
	}
	return what, true
}

// holderMark shows a holder label with its mark: ⚓ for a bind mount,
// ⚑ for a descriptor or a socket, ↳ for a process's children-to-be.
func holderMark(label string) string {
	kind, rest, _ := strings.Cut(label, ":")
	switch kind {
	case "mount":
		return "⚓ " + rest
	case "fd":
		return "⚑ fd " + rest
	case "socket":
		return "⚑ socket " + rest
	case "for_children":
		return "↳ for children of pid " + rest
	}
	return label
}

// containerText names the containers in a namespace briefly: the engine
// and name (or short id) of the first, and how many more.
func containerText(ns *inspect.Namespace) string {
	if len(ns.Containers) == 0 {
		return ""
	}
	c := ns.Containers[0]
	name := c.Name
	if name == "" {
		name = c.ID
	}
	t := c.Engine + " " + name
	if n := len(ns.Containers); n > 1 {
		t += fmt.Sprintf(" +%d", n-1)
	}
	return t
}

// containerWidth is the width of containerText(ns), without building it.
func containerWidth(ns *inspect.Namespace) int {
	c := ns.Containers[0]
	name := c.Name
	if name == "" {
		name = c.ID
	}
	w := utf8.RuneCountInString(c.Engine) + 1 + utf8.RuneCountInString(name)
	if n := len(ns.Containers); n > 1 {
		w += len(fmt.Sprintf(" +%d", n-1))
	}
	return w
}

// previewLine says in one line what the detail would show, on terminals
// too short for the detail beside or below the list.
func (b *browser) previewLine() string {
	ns := b.selected()
	if ns == nil {
		return ""
	}
	return b.c.styles.Dim.Render("⏎ detail · ") + b.detail.summary(b.c)
}

// padRight pads s with spaces to w cells.
func padRight(s string, w int) string {
	if n := lipgloss.Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// appeared reports whether namespace id appeared in the last rescans.
func (b *browser) appeared(id inspect.NamespaceID) bool {
	_, ok := b.c.world.appeared[id]
	return ok
}
