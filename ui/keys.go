package ui

import "charm.land/bubbles/v2/key"

// keyMap holds the explorer's global keys, the one place they are bound;
// pages add local keys of their own and list them for help. The action
// keys act on the selection of the page on top (actionmenu.go).
type keyMap struct {
	Up, Down, Left, Right key.Binding
	PageUp, PageDown      key.Binding
	Top, Bottom           key.Binding
	NextTab, PrevTab      key.Binding
	Open, Back            key.Binding
	Filter                key.Binding
	Process, Mounts, Net  key.Binding
	Explain               key.Binding
	Pause, Rescan         key.Binding
	Help, Quit            key.Binding

	Enter, EnterCmd   key.Binding
	Unshare           key.Binding
	Veth, DelVeth     key.Binding
	Persist, Hostname key.Binding
	Propagation, Log  key.Binding
}

// defaultKeyMap returns the explorer's keys.
func defaultKeyMap() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Left:     key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "left")),
		Right:    key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "right")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "first")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "last")),
		NextTab:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next type")),
		PrevTab:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous type")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("⏎", "open")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Process:  key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "process")),
		Mounts:   key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mounts")),
		Net:      key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "network")),
		Explain:  key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "explain type")),
		Pause:    key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "pause")),
		Rescan:   key.NewBinding(key.WithKeys("r", "ctrl+r"), key.WithHelp("r", "rescan")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		Enter:       key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "enter a shell")),
		EnterCmd:    key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "enter with a command")),
		Unshare:     key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unshare a shell")),
		Veth:        key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "veth to another netns")),
		DelVeth:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "delete a veth")),
		Persist:     key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "persist/release")),
		Hostname:    key.NewBinding(key.WithKeys("H"), key.WithHelp("H", "set hostname")),
		Propagation: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "mount propagation")),
		Log:         key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "action log")),
	}
}

// global returns the keys every page shares, for the help screen.
func (k keyMap) global() []key.Binding {
	return []key.Binding{k.Back, k.Filter, k.Process, k.Mounts, k.Net, k.Explain, k.Pause, k.Rescan, k.Help, k.Quit}
}

// movement returns the keys that move a selection, for the help screen.
func (k keyMap) movement() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Left, k.Right, k.PageUp, k.PageDown, k.Top, k.Bottom, k.NextTab, k.PrevTab, k.Open}
}

// actions returns the keys that act on the selection, for the help
// screen; the log's key is listed with them.
func (k keyMap) actions() []key.Binding {
	return []key.Binding{k.Enter, k.EnterCmd, k.Unshare, k.Veth, k.DelVeth, k.Persist, k.Hostname, k.Propagation}
}
