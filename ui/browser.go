package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
)

// browser is the main page: the host's namespaces, one row each, with the
// selection kept on the same namespace across rescans.
type browser struct {
	c             *common
	width, height int
	rows          []*inspect.Namespace
	cursor        int
	selected      inspect.NamespaceID
}

func newBrowser(c *common) *browser {
	b := &browser{c: c}
	b.Refresh()
	return b
}

// Title names the page.
func (b *browser) Title() string { return "namespaces" }

// Keys are the browser's own keys.
func (b *browser) Keys() []key.Binding {
	k := b.c.keys
	return []key.Binding{k.Up, k.Down}
}

// SetSize gives the page its room.
func (b *browser) SetSize(w, h int) { b.width, b.height = w, h }

// Refresh rebuilds the rows from the world and finds the selected
// namespace again.
func (b *browser) Refresh() {
	if b.c.world == nil {
		return
	}
	b.rows = b.c.world.snap.SortedNamespaces()
	b.cursor = 0
	for i, ns := range b.rows {
		if ns.ID == b.selected {
			b.cursor = i
		}
	}
	b.remember()
}

func (b *browser) remember() {
	if b.cursor < len(b.rows) {
		b.selected = b.rows[b.cursor].ID
	}
}

// Update moves the selection.
func (b *browser) Update(msg tea.Msg) tea.Cmd {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, b.c.keys.Up):
			b.cursor = max(b.cursor-1, 0)
		case key.Matches(msg, b.c.keys.Down):
			b.cursor = min(b.cursor+1, len(b.rows)-1)
		}
		b.remember()
	}
	return nil
}

// View draws the rows around the selection.
func (b *browser) View() string {
	if b.c.world == nil {
		return b.c.styles.Dim.Render("scanning /proc…")
	}
	var out strings.Builder
	first := max(0, b.cursor-b.height+1)
	for i := first; i < len(b.rows) && i < first+b.height; i++ {
		ns := b.rows[i]
		cmd := ""
		if p := ns.Lowest(); p != nil {
			cmd = fmt.Sprintf("%d %s", p.PID, display.CommandLine(p))
		}
		line := fmt.Sprintf("%-6s %10d %5d  %s", ns.Type, ns.ID.Ino, ns.NumProcs(), cmd)
		if i == b.cursor {
			line = b.c.styles.Selected.Render(line)
		}
		out.WriteString(line + "\n")
	}
	return strings.TrimSuffix(out.String(), "\n")
}
