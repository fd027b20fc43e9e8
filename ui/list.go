package ui

import (
	"cmp"
	"slices"
	"strconv"
	"unicode/utf8"

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
