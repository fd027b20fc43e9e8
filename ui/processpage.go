package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/nsdive/nsdive/inspect"
)

// The process page's own keys.
var (
	processOpenKey   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("⏎", "open namespace"))
	processMountKey  = key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "its mounts"))
	processParentKey = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "parent process"))
)

// processPage shows one process and its whole namespace set: which of
// its namespaces are not the host's initial ones (what isolates it, its
// fingerprint), what each holds, and the way to each of them.
type processPage struct {
	c             *common
	key           inspect.ProcessKey
	width, height int

	proc   *inspect.Process  // the last known state
	snap   *inspect.Snapshot // the snapshot proc was last seen in
	exited bool              // gone at a rescan: proc is what it was
	links  []inspect.Link    // the rows: every type, and the for_children links that differ
	list   scroller
}

// newProcessPage returns the page of the process k.
func newProcessPage(c *common, k inspect.ProcessKey) *processPage {
	p := &processPage{c: c, key: k}
	p.Refresh()
	return p
}

// Title names the page.
func (p *processPage) Title() string { return fmt.Sprintf("pid %d", p.key.PID) }

// Keys are the page's own keys; the arrows are in help with the other
// movement keys.
func (p *processPage) Keys() []key.Binding {
	return []key.Binding{processOpenKey, processMountKey, processParentKey, p.c.keys.Back}
}

// SetSize gives the page its room.
func (p *processPage) SetSize(w, h int) {
	p.width, p.height = w, h
	p.list.fit(len(p.links))
}

// Refresh finds the process in the new world; a process that is no longer
// there (or whose pid now names another process) has exited, and the page
// keeps its last known state.
func (p *processPage) Refresh() {
	w := p.c.world
	if w == nil {
		return
	}
	if proc := findProcess(w.snap, p.key); proc != nil && !(p.proc != nil && exiting(proc, p.proc)) {
		p.proc, p.snap, p.exited = proc, w.snap, false
	} else if p.proc != nil {
		p.exited = true
	}
	if p.proc == nil {
		return
	}
	at := inspect.NumLinks
	if p.list.cursor < len(p.links) {
		at = p.links[p.list.cursor]
	}
	p.links = p.links[:0]
	for l := inspect.Link(0); l < inspect.NumLinks; l++ {
		if l.ForChildren() && !forChildrenDiffers(p.proc, l) {
			continue
		}
		if l == at {
			p.list.cursor = len(p.links)
		}
		p.links = append(p.links, l)
	}
	p.list.total = len(p.links)
	p.list.fit(len(p.links))
}

// findProcess returns the process k in snap, or nil when it is not there
// or its pid names a process started at another time.
func findProcess(snap *inspect.Snapshot, k inspect.ProcessKey) *inspect.Process {
	proc := snap.Processes[k.PID]
	if proc == nil {
		return nil
	}
	if got := proc.Key(); k.StartTime != 0 && got.StartTime != 0 && got.StartTime != k.StartTime {
		return nil
	}
	return proc
}

// exiting reports whether proc is the process last seen as was, caught
// by the scan on its way out: a zombie, or one whose namespace links
// went unreadable (the kernel drops them as the process exits). The page
// then keeps was, the state worth showing.
func exiting(proc, was *inspect.Process) bool {
	if proc.State == 'Z' || proc.State == 'X' {
		return true
	}
	return readableLinks(proc) == 0 && readableLinks(was) > 0
}

// readableLinks counts the namespace links of a process that were read.
func readableLinks(proc *inspect.Process) int {
	n := 0
	for _, id := range proc.Namespaces {
		if !id.IsZero() {
			n++
		}
	}
	return n
}

// forChildrenDiffers reports whether a for_children link names another
// namespace than the process's own of its type: after unshare(2) of a pid
// or time namespace, before the fork that enters it.
func forChildrenDiffers(proc *inspect.Process, l inspect.Link) bool {
	id := proc.Namespaces[l]
	return !id.IsZero() && id != proc.Namespaces[inspect.LinkOf(l.Type())]
}

// Update moves over the namespaces and opens them.
func (p *processPage) Update(msg tea.Msg) tea.Cmd {
	if p.proc == nil {
		return nil
	}
	k := p.c.keys
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		if msg.Button == tea.MouseWheelUp {
			p.list.move(-1)
		} else {
			p.list.move(1)
		}
	case tea.MouseClickMsg:
		// The rows start under who the process is, a blank line and the
		// columns' header.
		if i := msg.Y - len(p.aboutView()) - 2; msg.Button == tea.MouseLeft && i >= 0 && i < len(p.links) {
			p.list.cursor = i
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Up):
			p.list.move(-1)
		case key.Matches(msg, k.Down):
			p.list.move(1)
		case key.Matches(msg, k.Top):
			p.list.move(-len(p.links))
		case key.Matches(msg, k.Bottom):
			p.list.move(len(p.links))
		case key.Matches(msg, processOpenKey):
			if p.list.cursor < len(p.links) {
				return p.open(p.proc.Namespaces[p.links[p.list.cursor]])
			}
		case key.Matches(msg, processMountKey):
			return p.open(p.proc.Namespaces[inspect.LinkMnt])
		case key.Matches(msg, processParentKey):
			return p.openParent()
		}
	}
	return nil
}

// open opens the page of namespace id, or says why it cannot.
func (p *processPage) open(id inspect.NamespaceID) tea.Cmd {
	ns := p.c.world.snap.Namespaces[id]
	if ns == nil {
		return statusCmd(fmt.Sprintf("namespace %s is gone", id))
	}
	return openNamespace(p.c, ns)
}

// openParent opens the page of the process's parent.
func (p *processPage) openParent() tea.Cmd {
	parent := p.c.world.snap.Processes[p.proc.PPID]
	if parent == nil {
		return statusCmd(fmt.Sprintf("the parent of %d (pid %d) is not in view", p.proc.PID, p.proc.PPID))
	}
	return openCmd(newProcessPage(p.c, parent.Key()))
}

// statusCmd puts s on the status line.
func statusCmd(s string) tea.Cmd {
	return func() tea.Msg { return statusMsg(s) }
}
