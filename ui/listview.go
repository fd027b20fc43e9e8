package ui

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
)

// listColumns are the widths of the list's columns for its rows.
type listColumns struct {
	ns, typ, container int
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
