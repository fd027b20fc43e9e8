package ui

import tea "charm.land/bubbletea/v2"

// wheelStep is how many rows a turn of the mouse wheel scrolls.
const wheelStep = 3

// click selects what is under the mouse: a tab, a namespace of the list
// or a process of the detail. Coordinates are the page's.
func (b *browser) click(m tea.Mouse) {
	if m.Button != tea.MouseLeft {
		return
	}
	l := b.layout()
	switch {
	case m.Y == 0:
		b.clickTab(m.X)
	case l.detail.h > 0 && l.detail.contains(m.X, m.Y) && (l.detailOnly || !l.list.contains(m.X, m.Y)):
		i := m.Y - l.detail.y - 1 + b.detail.offset - b.detail.head
		if i >= 0 && i < len(b.detail.procs) {
			b.detailFocus = true
			b.detail.cursor = i
		}
	case l.list.contains(m.X, m.Y):
		if b.list.selectShown(m.Y - l.list.y - 2) {
			b.detailFocus = false
			b.detail.show(b.c, b.selected())
		}
	}
}

// clickTab switches to the tab drawn at column x.
func (b *browser) clickTab(x int) {
	at := 0
	for i, w := range b.tabWidths() {
		if x >= at && x < at+w {
			if i != b.tab {
				b.switchTab(i - b.tab)
			}
			return
		}
		at += w + 1 // the separator
	}
}

// wheel scrolls the list or, over it, the detail's processes.
func (b *browser) wheel(m tea.Mouse) {
	delta := wheelStep
	switch m.Button {
	case tea.MouseWheelUp:
		delta = -wheelStep
	case tea.MouseWheelDown:
	default:
		return
	}
	l := b.layout()
	if l.detail.h > 0 && l.detail.contains(m.X, m.Y) && (l.detailOnly || !l.list.contains(m.X, m.Y)) {
		b.detailFocus = true
		b.detail.move(delta)
		return
	}
	b.list.scroll(delta)
	b.detail.show(b.c, b.selected())
}
