package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/nsdive/nsdive/inspect"
)

// openNamespace returns the command that opens the page of a namespace
// chosen on another page: the mount page for a mount namespace, the
// network page on a network namespace, else a browser on the namespace's
// tab with it selected and its detail shown (esc comes back).
func openNamespace(c *common, ns *inspect.Namespace) tea.Cmd {
	switch ns.Type {
	case inspect.Mnt:
		return openCmd(newMountPage(c, ns.ID))
	case inspect.Net:
		return openCmd(newNetPage(c, ns.ID))
	}
	return openCmd(newBrowserAt(c, ns))
}

// newBrowserAt returns a browser on ns's tab with ns selected.
func newBrowserAt(c *common, ns *inspect.Namespace) *browser {
	b := newBrowser(c)
	b.tab = tabIndex[ns.Type]
	b.list.selected = ns.ID
	b.rebuild()
	return b
}

// chosenProcess is the process p opens from the browser: the one under
// the cursor in the detail's process tree when it has the focus, else the
// selected namespace's lowest process.
func (b *browser) chosenProcess() *inspect.Process {
	if b.detailFocus {
		if p := b.detail.current(); p != nil {
			return p
		}
	}
	if ns := b.selected(); ns != nil {
		return ns.Lowest()
	}
	return nil
}

// chosenMountNS is the mount namespace m opens from the browser: the
// selection itself when it is one, else that of the process p would open.
func (b *browser) chosenMountNS() inspect.NamespaceID {
	if ns := b.selected(); ns != nil && ns.Type == inspect.Mnt && !b.detailFocus {
		return ns.ID
	}
	if p := b.chosenProcess(); p != nil {
		return p.Namespaces[inspect.LinkMnt]
	}
	return inspect.NamespaceID{}
}
