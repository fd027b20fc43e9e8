package ui

import (
	"fmt"
	"strings"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
)

// detailPane is the selection's detail: what the namespace is, holds and
// relates to, then its processes as a tree, which enter lets the
// keyboard move over.
type detailPane struct {
	ns       *inspect.Namespace
	vanished bool
	procs    []procLine // the processes in tree order
	cursor   int        // the selected process, when the pane has focus
	offset   int        // the first line shown, when the pane has focus
	head     int        // lines above the processes at the last draw
}

// procLine is a process of the tree with the branches before its command.
type procLine struct {
	p      *inspect.Process
	branch string
}

// show makes ns the pane's namespace; shown again after a rescan, the
// cursor stays on the same process.
func (d *detailPane) show(c *common, ns *inspect.Namespace) {
	if ns != nil && ns == d.ns {
		return // the same namespace of the same snapshot: nothing changed
	}
	var keep inspect.ProcessKey
	same := d.ns != nil && ns != nil && d.ns.ID == ns.ID
	if same && d.cursor < len(d.procs) {
		keep = d.procs[d.cursor].p.Key()
	}
	d.ns = ns
	d.procs = nil
	if ns == nil {
		return
	}
	_, d.vanished = c.world.vanished[ns.ID]
	d.vanished = d.vanished && c.world.snap.Namespaces[ns.ID] == nil
	d.procs = processTree(ns.Processes)
	if !same {
		d.cursor, d.offset = 0, 0
		return
	}
	d.cursor = min(d.cursor, max(len(d.procs)-1, 0))
	for i, pl := range d.procs {
		if pl.p.Key() == keep {
			d.cursor = i
		}
	}
}

// move moves the process cursor by delta.
func (d *detailPane) move(delta int) {
	d.cursor = min(max(d.cursor+delta, 0), max(len(d.procs)-1, 0))
}

// current returns the process under the cursor, or nil.
func (d *detailPane) current() *inspect.Process {
	if d.cursor < len(d.procs) {
		return d.procs[d.cursor].p
	}
	return nil
}

// processTree orders processes as a tree by parent pid: each under its
// parent when the parent is among them, siblings by pid; threads under
// their process.
func processTree(procs []*inspect.Process) []procLine {
	in := make(map[int]bool, len(procs))
	for _, p := range procs {
		in[p.PID] = true
	}
	parentOf := func(p *inspect.Process) int {
		if p.IsThread() {
			return p.TGID
		}
		return p.PPID
	}
	children := map[int][]*inspect.Process{}
	var roots []*inspect.Process
	for _, p := range procs {
		if pp := parentOf(p); pp != p.PID && in[pp] {
			children[pp] = append(children[pp], p)
		} else {
			roots = append(roots, p)
		}
	}
	out := make([]procLine, 0, len(procs))
	type frame struct {
		procs  []*inspect.Process
		indent string
		nested bool
	}
	stack := []frame{{procs: roots}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if len(top.procs) == 0 {
			stack = stack[:len(stack)-1]
			continue
		}
		p := top.procs[0]
		top.procs = top.procs[1:]
		branch, next := "", ""
		if top.nested {
			branch, next = top.indent+"├─", top.indent+"│ "
			if len(top.procs) == 0 {
				branch, next = top.indent+"└─", top.indent+"  "
			}
		}
		out = append(out, procLine{p: p, branch: branch})
		if kids := children[p.PID]; len(kids) > 0 && !p.IsThread() {
			stack = append(stack, frame{procs: kids, indent: next, nested: true})
		}
	}
	return out
}

// summary is the detail's title in one line.
func (d *detailPane) summary(c *common) string {
	if d.ns == nil {
		return ""
	}
	parts := []string{fmt.Sprintf("%s %d", d.ns.Type, d.ns.ID.Ino)}
	if c.world.snap.IsInitial(d.ns) {
		parts = append(parts, "initial")
	}
	if t := containerText(d.ns); t != "" {
		parts = append(parts, t)
	}
	if d.vanished {
		parts = append(parts, "vanished")
	}
	parts = append(parts, fmt.Sprintf("%d procs", d.ns.NumProcs()))
	return strings.Join(parts, " · ")
}

// detailView draws the detail's pane in r.
func (b *browser) detailView(r rect) string {
	d := &b.detail
	if r.h <= 0 || d.ns == nil {
		if r.h > 0 {
			return b.pane(r, "detail", "", []string{b.c.styles.Dim.Render("nothing selected")}, false)
		}
		return ""
	}
	st := b.c.styles
	inner := r.w - 2
	rows := r.h - 2
	head := b.detailHead(d.ns)
	head = append(head, "", st.Label.Render(fmt.Sprintf("Processes (%d)", d.ns.NumProcs()))+
		st.Dim.Render(" by parent · PID [pid inside nested pid namespaces]"))
	if len(d.procs) == 0 {
		head = append(head, st.Dim.Render("  none: "+b.noProcessReason(d.ns)))
	}
	d.head = len(head)
	if b.detailFocus {
		line := len(head) + d.cursor
		d.offset = min(d.offset, line)
		d.offset = max(d.offset, line-rows+1, 0)
	} else {
		d.offset = 0
	}
	var lines []string
	for i := d.offset; i < d.offset+rows; i++ {
		switch {
		case i < len(head):
			lines = append(lines, head[i])
		case i-len(head) < len(d.procs):
			lines = append(lines, b.procView(i-len(head), inner))
		}
	}
	note := ""
	if n := len(d.procs); n > 0 && b.detailFocus {
		note = st.Dim.Render(fmt.Sprintf("%d/%d · esc back", d.cursor+1, n))
	} else if n > 0 && len(head)+n > rows {
		note = st.Dim.Render("⏎ to scroll the processes")
	}
	return b.pane(r, d.summary(b.c), note, lines, b.detailFocus)
}

// procView draws process i of the tree: pid, pids inside nested pid
// namespaces, user and command with its branch.
func (b *browser) procView(i int, inner int) string {
	st := b.c.styles
	pl := b.detail.procs[i]
	p := pl.p
	inside := ""
	if len(p.NSpid) > 1 {
		inside = "[" + strings.Trim(strings.Join(strings.Fields(fmt.Sprint(p.NSpid[1:])), " "), "[]") + "]"
	}
	cmd := display.CommandLine(p)
	if cmd == "" && !p.Has(inspect.FieldStat) {
		cmd = "? (not read)"
	}
	text := fmt.Sprintf("%7s %-7s %-8s %s%s", display.PIDText(p), inside, fit(b.c.world.userName(b.c.users, p), 8), pl.branch, cmd)
	if b.detailFocus && i == b.detail.cursor {
		return st.Selected.Render(fit(text, inner))
	}
	return text
}

// noProcessReason says why a namespace has no member process.
func (b *browser) noProcessReason(ns *inspect.Namespace) string {
	if b.c.world.partial.Missing() {
		return "held by what is listed above, or by processes this view could not read"
	}
	return "held only by what is listed above"
}

// label formats "Label  value" with the label styled and aligned.
func (b *browser) label(name, value string) string {
	return b.c.styles.Label.Render(padRight(name, 10)) + value
}

// detailHead is the detail above the processes: containers, what is
// inside, what holds it, and its parent and owner.
func (b *browser) detailHead(ns *inspect.Namespace) []string {
	st := b.c.styles
	var lines []string
	if b.detail.vanished {
		lines = append(lines, st.Vanished.Render("vanished in the last rescan"))
	}
	for i, c := range ns.Containers {
		name := "Container"
		if i > 0 {
			name = ""
		}
		lines = append(lines, b.label(name, c.String()))
	}
	lines = append(lines, b.inside(ns)...)
	lines = append(lines, b.holders(ns)...)
	lines = append(lines, b.relations(ns)...)
	if ns.Type == inspect.Net && ns.NetNSID >= 0 {
		lines = append(lines, b.label("NetNSID", fmt.Sprintf("%d (ip netns list-id)", ns.NetNSID)))
	}
	return lines
}

// holders lists what keeps the namespace alive besides its processes.
func (b *browser) holders(ns *inspect.Namespace) []string {
	st := b.c.styles
	snap := b.c.world.snap
	var lines []string
	procs := fmt.Sprintf("%d processes", ns.NumProcs())
	switch ns.NumProcs() {
	case 0:
		procs = "no process"
	case 1:
		procs = "1 process"
	}
	lines = append(lines, b.label("Held by", procs))
	for _, l := range snap.HolderLabels(ns) {
		lines = append(lines, b.label("", st.Held.Render(holderMark(l))))
	}
	if !snap.Has(inspect.PartMountHolders | inspect.PartFDHolders) {
		lines = append(lines, b.label("", st.Warn.Render("bind mounts and descriptors not read")))
	}
	return lines
}

// relations shows the parent (pid and user namespaces) and the owner.
func (b *browser) relations(ns *inspect.Namespace) []string {
	st := b.c.styles
	snap := b.c.world.snap
	if !snap.Has(inspect.PartHierarchy) {
		return []string{b.label("Owner", st.Warn.Render("not read"))}
	}
	var lines []string
	if ns.Type == inspect.User || ns.Type == inspect.PID {
		if ns.Parent.IsZero() {
			lines = append(lines, b.label("Parent", st.Dim.Render("none: the root of the "+ns.Type.String()+" hierarchy")))
		} else {
			lines = append(lines, b.label("Parent", b.nsName(ns.Parent, ns.Type)))
		}
	}
	if ns.Type == inspect.User {
		if ns.OwnerUID >= 0 {
			lines = append(lines, b.label("Creator", fmt.Sprintf("uid %d", ns.OwnerUID)))
		}
		return append(lines, b.label("Owns", b.owned(ns)))
	}
	if ns.Owner.IsZero() {
		return append(lines, b.label("Owner", st.Dim.Render("unknown")))
	}
	return append(lines, b.label("Owner", b.nsName(ns.Owner, inspect.User)))
}

// owned counts the namespaces a user namespace owns, by type (its child
// user namespaces among them): those its root may act on.
func (b *browser) owned(user *inspect.Namespace) string {
	var n [len(inspect.Types)]int
	for _, ns := range b.c.world.snap.Namespaces {
		if ns.Owner == user.ID {
			n[ns.Type]++
		}
	}
	var parts []string
	for _, t := range tabs[1:] {
		if n[t.typ] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", t.typ, n[t.typ]))
		}
	}
	if len(parts) == 0 {
		return b.c.styles.Dim.Render("no other namespace")
	}
	return strings.Join(parts, " · ")
}

// nsName names a namespace of the snapshot: type and inode, "initial" or
// its container.
func (b *browser) nsName(id inspect.NamespaceID, t inspect.Type) string {
	snap := b.c.world.snap
	s := fmt.Sprintf("%s %d", t, id.Ino)
	ns := snap.Namespaces[id]
	switch {
	case ns == nil:
	case snap.IsInitial(ns):
		s += " " + b.c.styles.Dim.Render("(initial)")
	case containerText(ns) != "":
		s += " " + b.c.styles.Dim.Render("("+containerText(ns)+")")
	}
	return s
}
