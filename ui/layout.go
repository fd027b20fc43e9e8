package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// rect is a box on the page, in cells from the page's top left corner.
type rect struct{ x, y, w, h int }

// contains reports whether the cell x, y is in the box.
func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// browserLayout is where the browser draws each part at its size.
type browserLayout struct {
	filterLine bool // a line for the filter under the tabs
	list       rect // the list's pane, borders included
	detail     rect // the detail's pane; zero height when not shown
	listRows   int  // namespace rows the list shows
	sideBySide bool // list and detail side by side (wide terminals)
	detailOnly bool // the detail fills the page (enter on a short terminal)
	preview    bool // the list's last line previews the selection
}

// Sizes where the layout changes: side by side from sideBySideWidth
// columns, the detail below the list from stackedHeight rows; smaller
// terminals show the list alone and open the detail with enter.
const (
	sideBySideWidth = 120
	stackedHeight   = 28
)

// layout places the parts for the page's size and state.
func (b *browser) layout() browserLayout {
	var l browserLayout
	top := 1
	if b.filter.typing || b.filter.text != "" {
		l.filterLine = true
		top++
	}
	avail := max(b.height-top, 0)
	switch {
	case b.width >= sideBySideWidth:
		l.sideBySide = true
		lw := b.width / 2
		if b.width >= 160 {
			lw = b.width * 11 / 20 // a wide list's command column gains most
		}
		l.list = rect{0, top, lw, avail}
		l.detail = rect{lw, top, b.width - lw, avail}
	case avail >= stackedHeight:
		lh := avail * 11 / 20
		l.list = rect{0, top, b.width, lh}
		l.detail = rect{0, top + lh, b.width, avail - lh}
	case b.detailFocus:
		l.detailOnly = true
		l.detail = rect{0, top, b.width, avail}
		l.list = rect{0, top, b.width, avail}
	default:
		l.list = rect{0, top, b.width, avail}
		l.preview = true
	}
	l.listRows = max(l.list.h-3, 0) // borders and the column header
	if l.preview {
		l.listRows = max(l.listRows-1, 0)
	}
	return l
}

// pane draws a bordered box of r's size with a title on its top border,
// a note on its bottom border and lines inside, cut or padded to fit.
func (b *browser) pane(r rect, title, note string, lines []string, focused bool) string {
	if r.w < 4 || r.h < 2 {
		return ""
	}
	st := b.c.styles
	border := st.Dim
	if focused {
		border = st.Key
	}
	inner := r.w - 2
	side := border.Render("│")
	var out strings.Builder
	out.WriteString(edge("╭", "╮", title, inner, border, st.PaneTitle))
	for i := range r.h - 2 {
		out.WriteString("\n" + side)
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		out.WriteString(fit(line, inner))
		out.WriteString(side)
	}
	out.WriteString("\n" + edge("╰", "╯", note, inner, border, lipgloss.NewStyle()))
	return out.String()
}

// edge is a horizontal border between two corners, w cells between them,
// with text near its left end.
func edge(left, right, text string, w int, border, textStyle lipgloss.Style) string {
	if text == "" {
		return border.Render(left + strings.Repeat("─", w) + right)
	}
	text = ansi.Truncate(" "+text+" ", max(w-1, 0), "…")
	return border.Render(left+"─") + textStyle.Render(text) +
		border.Render(strings.Repeat("─", max(w-1-lipgloss.Width(text), 0))+right)
}

// fit cuts s to w cells, with an ellipsis, or pads it with spaces.
func fit(s string, w int) string {
	if n := lipgloss.Width(s); n <= w {
		return s + strings.Repeat(" ", w-n)
	}
	return ansi.Truncate(s, w, "…")
}
