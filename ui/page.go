package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// page is one screen of the explorer: the namespace browser, a process, a
// mount namespace, the network. The root keeps a stack of them; esc pops.
type page interface {
	// Update handles a message for the page: keys and mouse events the
	// root did not take, and the page's own messages.
	Update(msg tea.Msg) tea.Cmd
	// View draws the page in the size last given to SetSize.
	View() string
	// SetSize gives the page its width and height in cells.
	SetSize(width, height int)
	// Refresh tells the page that the world changed (a rescan); the page
	// keeps its selection and scroll on the same namespace or process.
	Refresh()
	// Title names the page in the header, e.g. "net 4026532249".
	Title() string
	// Keys are the page's own keys, for the footer and the help screen.
	Keys() []key.Binding
}

// inputPage is a page that is typing into a field (a filter, a form): the
// root then passes it every key, including q, instead of acting on them.
type inputPage interface {
	Typing() bool
}

// closer is a page with something of its own that esc closes first: a
// focused pane, a kept filter. closeInside closes it and reports whether
// there was one; when there was none, esc goes back a page.
type closer interface {
	closeInside() bool
}
