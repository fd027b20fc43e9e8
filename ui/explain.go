package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/nsdive/nsdive/inspect"
)

// explainPage is the `i` page: what one namespace type isolates, since
// when, its flag and files, and commands to try.
type explainPage struct {
	c             *common
	typ           inspect.Type
	width, height int
	offset        int // the first line shown
}

// newExplainPage returns the explainer of type t.
func newExplainPage(c *common, t inspect.Type) *explainPage {
	return &explainPage{c: c, typ: t}
}

// Title names the page.
func (e *explainPage) Title() string { return "about " + e.typ.String() + " namespaces" }

// Keys are the page's keys.
func (e *explainPage) Keys() []key.Binding {
	k := e.c.keys
	return []key.Binding{k.Up, k.Down, k.Back}
}

// SetSize gives the page its room.
func (e *explainPage) SetSize(w, h int) { e.width, e.height = w, h }

// Refresh has nothing to do: the text does not depend on the host.
func (e *explainPage) Refresh() {}

// Update scrolls the text.
func (e *explainPage) Update(msg tea.Msg) tea.Cmd {
	k := e.c.keys
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Up):
			e.offset--
		case key.Matches(msg, k.Down):
			e.offset++
		case key.Matches(msg, k.PageUp):
			e.offset -= e.height
		case key.Matches(msg, k.PageDown):
			e.offset += e.height
		}
	case tea.MouseWheelMsg:
		if msg.Button == tea.MouseWheelUp {
			e.offset -= wheelStep
		} else {
			e.offset += wheelStep
		}
	}
	return nil
}

// View draws the text, wrapped to the page's width, saying when more
// is below.
func (e *explainPage) View() string {
	lines := strings.Split(e.text(), "\n")
	e.offset = min(max(e.offset, 0), max(len(lines)-e.height, 0))
	lines = lines[e.offset:]
	if len(lines) > e.height && e.height > 0 {
		lines = append(lines[:e.height-1], e.c.styles.Dim.Render("↓ more"))
	}
	return strings.Join(lines, "\n")
}

// text is the whole explainer, wrapped.
func (e *explainPage) text() string {
	st := e.c.styles
	x := explainers[e.typ]
	w := min(max(e.width-2, 20), 100)
	wrap := lipgloss.NewStyle().Width(w)
	indent := lipgloss.NewStyle().Width(w).PaddingLeft(2)
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	line(wrap.Render(st.PaneTitle.Render(fmt.Sprintf("%s namespaces", e.typ)) +
		st.Dim.Render(fmt.Sprintf(" · %s (%#x) · since %s", x.flag, e.typ.CloneFlag(), x.since))))
	line("")
	line(st.Label.Render("Isolates"))
	line(indent.Render(x.isolates))
	line("")
	line(indent.Render(x.notes))
	line("")
	line(st.Label.Render("Files"))
	for _, f := range x.files {
		line(indent.Render(f))
	}
	line("")
	line(st.Label.Render("Try") + st.Dim.Render(" (as root; PID is a process in the namespace)"))
	for _, c := range x.try {
		line(indent.Render(st.Key.Render("$ ") + c))
	}

	line("")
	line(wrap.Render(st.Dim.Render("esc goes back · man 7 namespaces, man 7 " + manPage(e.typ))))
	return strings.TrimSuffix(b.String(), "\n")
}

// manPage is the type's page in section 7 of the manual.
func manPage(t inspect.Type) string {
	switch t {
	case inspect.Mnt:
		return "mount_namespaces"
	case inspect.Net:
		return "network_namespaces"
	}
	return t.String() + "_namespaces"
}
