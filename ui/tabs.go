package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/nsdive/nsdive/inspect"
)

// tab is one tab of the browser: every namespace, or those of one type.
type tab struct {
	all bool
	typ inspect.Type
}

// tabs are the browser's tabs in the order they are shown: the types
// people meet first (mnt, net, pid, user) before the others.
var tabs = []tab{{all: true}, {typ: inspect.Mnt}, {typ: inspect.Net}, {typ: inspect.PID},
	{typ: inspect.User}, {typ: inspect.UTS}, {typ: inspect.IPC}, {typ: inspect.Cgroup}, {typ: inspect.Time}}

// name is the tab's label.
func (t tab) name() string {
	if t.all {
		return "all"
	}
	return t.typ.String()
}

// holds reports whether a namespace of type typ belongs on the tab.
func (t tab) holds(typ inspect.Type) bool { return t.all || t.typ == typ }

// tabCounts counts, for each tab, the namespaces that the filter keeps
// (all of them when there is no filter).
func (b *browser) tabCounts() []int {
	counts := make([]int, len(tabs))
	w := b.c.world
	if w == nil {
		return counts
	}
	for _, ns := range w.snap.Namespaces {
		if !b.filter.keeps(b.c.world, ns) {
			continue
		}
		counts[0]++
		counts[tabIndex[ns.Type]]++
	}
	return counts
}

// tabIndex is the index in tabs of each type's tab (an array, not a
// map: sorting thousands of rows looks it up twice a comparison).
var tabIndex = func() (idx [len(inspect.Types)]int) {
	for i, t := range tabs {
		if !t.all {
			idx[t.typ] = i
		}
	}
	return idx
}()

// tabsView draws the tab bar in width cells: every tab with its count,
// the current one underlined.
func (b *browser) tabsView(width int) string {
	parts, sep := b.tabParts(width)
	return lipgloss.NewStyle().MaxWidth(width).Render(strings.Join(parts, sep))
}

// tabWidths are the widths of the tabs as drawn, each followed by a
// one-cell separator.
func (b *browser) tabWidths() []int {
	parts, _ := b.tabParts(b.width)
	ws := make([]int, len(parts))
	for i, p := range parts {
		ws[i] = lipgloss.Width(p)
	}
	return ws
}

// tabParts draws each tab and the separator between them, with less
// padding when the bar would not fit in width.
func (b *browser) tabParts(width int) ([]string, string) {
	st := b.c.styles
	var parts []string
	for _, pad := range []int{1, 0} {
		parts = make([]string, len(tabs))
		total := len(tabs) - 1
		for i, t := range tabs {
			style := st.Tab
			if i == b.tab {
				style = st.ActiveTab
			}
			parts[i] = style.Padding(0, pad).Render(fmt.Sprintf("%s %s", t.name(), count(b.counts[i])))
			total += lipgloss.Width(parts[i])
		}
		if total <= width {
			return parts, st.Dim.Render("│")
		}
	}
	return parts, " "
}

// switchTab moves to the tab delta places away, wrapping around.
func (b *browser) switchTab(delta int) {
	b.tab = (b.tab + delta + len(tabs)) % len(tabs)
	b.rebuild()
}
