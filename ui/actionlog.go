package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// logPage lists the actions run in this session: each one's description,
// its equivalent commands and how it ended, newest at the bottom.
type logPage struct {
	c             *common
	log           *[]logEntry // the root's, so that the page follows it
	width, height int
	back          int // lines scrolled back from the bottom
}

// newLogPage returns the page of the log at log.
func newLogPage(c *common, log *[]logEntry) *logPage { return &logPage{c: c, log: log} }

// Title names the page.
func (p *logPage) Title() string { return "action log" }

// Keys are the page's own keys.
func (p *logPage) Keys() []key.Binding {
	k := p.c.keys
	return []key.Binding{k.Up, k.Down, k.Back}
}

// SetSize gives the page its room.
func (p *logPage) SetSize(w, h int) { p.width, p.height = w, h }

// Refresh has nothing to follow: the log is the root's.
func (p *logPage) Refresh() {}

// Update scrolls.
func (p *logPage) Update(msg tea.Msg) tea.Cmd {
	k := p.c.keys
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Up):
			p.back++
		case key.Matches(msg, k.Down):
			p.back = max(p.back-1, 0)
		}
	case tea.MouseWheelMsg:
		if msg.Button == tea.MouseWheelUp {
			p.back++
		} else {
			p.back = max(p.back-1, 0)
		}
	}
	return nil
}

// View draws the last lines of the log that fit, scrolled back.
func (p *logPage) View() string {
	head := p.c.styles.PaneTitle.Render("Actions run in this session, the last at the bottom")
	lines := logLines(p.c.styles, *p.log)
	room := max(p.height-2, 1)
	p.back = min(p.back, max(len(lines)-room, 0))
	end := len(lines) - p.back
	return head + "\n\n" + strings.Join(lines[max(end-room, 0):end], "\n")
}
