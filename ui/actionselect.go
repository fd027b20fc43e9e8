package ui

import "github.com/nsdive/nsdive/inspect"

// selection is the browser's: the namespace under the cursor, and the
// process under the detail's cursor when the detail has the focus.
func (b *browser) selection() selection {
	s := selection{ns: b.selected()}
	if b.detailFocus {
		s.proc = b.detail.current()
	}
	return s
}

// selection is the process page's: the process (unless it exited) and
// the namespace under the cursor.
func (p *processPage) selection() selection {
	if p.proc == nil || p.exited {
		return selection{}
	}
	s := selection{proc: p.proc}
	if p.list.cursor < len(p.links) {
		s.ns = p.c.world.snap.Namespaces[p.proc.Namespaces[p.links[p.list.cursor]]]
	}
	return s
}

// selection is the mount page's: its namespace and the mount under the
// cursor.
func (p *mountPage) selection() selection {
	if p.gone || p.ns == nil {
		return selection{}
	}
	var m *inspect.Mount
	if !p.focusLinks {
		m = p.current()
	}
	return selection{ns: p.ns, mntns: p.ns, mount: m}
}

// selection is the network page's: the namespace under the cursor, and
// on a link the near end's namespace and interface.
func (p *netPage) selection() selection {
	if p.topo == nil || p.cursor >= len(p.topo.rows) {
		return selection{}
	}
	r := p.topo.rows[p.cursor]
	return selection{ns: r.ns, iface: r.ifc}
}
