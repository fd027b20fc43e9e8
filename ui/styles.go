package ui

import "charm.land/lipgloss/v2"

// styles are every style the explorer draws with, built in one place so
// that a light or dark background changes them all. NO_COLOR needs no
// switch here: the renderer drops colours for the Ascii profile and keeps
// bold, reverse and underline, which every style below relies on to stay
// readable without colour.
type styles struct {
	App       lipgloss.Style // the whole frame
	Header    lipgloss.Style // the top line
	Brand     lipgloss.Style // "nsdive" in the header
	Tab       lipgloss.Style
	ActiveTab lipgloss.Style
	Pane      lipgloss.Style // a bordered pane
	PaneTitle lipgloss.Style // a pane's title, on its top border
	Focused   lipgloss.Style // a pane with the keyboard focus
	Label     lipgloss.Style // "Interfaces", "Owner", ...
	Dim       lipgloss.Style // secondary text
	Selected  lipgloss.Style // the selected row
	// Unfocused is the selected row of a list without the keyboard focus.
	Unfocused lipgloss.Style
	// Propagates is a mount that shares or receives mount events.
	Propagates lipgloss.Style
	Appeared   lipgloss.Style // a row that appeared in the last rescans
	Vanished   lipgloss.Style // a row that vanished, shown for a moment
	Changed    lipgloss.Style // a value that differs from the initial namespace's
	Held       lipgloss.Style // what holds a namespace without processes
	Warn       lipgloss.Style // partial view, paused
	Error      lipgloss.Style // the status line's errors
	Status     lipgloss.Style // the status line
	Key        lipgloss.Style // a key in the footer
}

// defaultStyles returns the styles for a dark or light background.
func defaultStyles(dark bool) styles {
	ld := lipgloss.LightDark(dark)
	var (
		accent = ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#A78BFA"))
		subtle = ld(lipgloss.Color("#8A8A8A"), lipgloss.Color("#6C6C6C"))
		text   = ld(lipgloss.Color("#1A1A1A"), lipgloss.Color("#E4E4E4"))
		green  = ld(lipgloss.Color("#1F7A1F"), lipgloss.Color("#7EE787"))
		red    = ld(lipgloss.Color("#B42318"), lipgloss.Color("#FF7B72"))
		yellow = ld(lipgloss.Color("#9A6700"), lipgloss.Color("#E3B341"))
		cyan   = ld(lipgloss.Color("#0B6E99"), lipgloss.Color("#79C0FF"))
	)
	base := lipgloss.NewStyle().Foreground(text)
	pane := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(subtle)
	return styles{
		App:        lipgloss.NewStyle(),
		Header:     base,
		Brand:      lipgloss.NewStyle().Bold(true).Foreground(accent),
		Tab:        lipgloss.NewStyle().Foreground(subtle).Padding(0, 1),
		ActiveTab:  lipgloss.NewStyle().Bold(true).Underline(true).Foreground(accent).Padding(0, 1),
		Pane:       pane,
		PaneTitle:  lipgloss.NewStyle().Bold(true).Foreground(text),
		Focused:    pane.BorderForeground(accent),
		Label:      lipgloss.NewStyle().Bold(true).Foreground(cyan),
		Dim:        lipgloss.NewStyle().Foreground(subtle),
		Selected:   lipgloss.NewStyle().Reverse(true).Bold(true),
		Unfocused:  lipgloss.NewStyle().Bold(true).Underline(true),
		Propagates: lipgloss.NewStyle().Foreground(cyan),
		Appeared:   lipgloss.NewStyle().Bold(true).Foreground(green),
		Vanished:   lipgloss.NewStyle().Strikethrough(true).Foreground(red),
		Changed:    lipgloss.NewStyle().Bold(true).Foreground(yellow),
		Held:       lipgloss.NewStyle().Foreground(cyan),
		Warn:       lipgloss.NewStyle().Bold(true).Foreground(yellow),
		Error:      lipgloss.NewStyle().Bold(true).Foreground(red),
		Status:     lipgloss.NewStyle().Foreground(subtle),
		Key:        lipgloss.NewStyle().Bold(true).Foreground(accent),
	}
}
