package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
)

// View draws who the process is, then its namespaces.
func (p *processPage) View() string {
	st := p.c.styles
	if p.proc == nil {
		if p.c.world == nil {
			return st.Dim.Render("scanning /proc…")
		}
		return st.Warn.Render(fmt.Sprintf("process %d is not in the snapshot: it exited, or nsdive may not read it (run as root for the full view)", p.key.PID))
	}
	out := p.aboutView()
	out = append(out, "")
	out = append(out, p.namespacesView()...)
	out = append(out, p.membersView(p.height-len(out))...)
	return strings.Join(out, "\n")
}

// aboutView says who the process is: command, user, parent, container,
// its pid in every pid namespace it is in, its cgroup.
func (p *processPage) aboutView() []string {
	st := p.c.styles
	proc, snap := p.proc, p.snap
	title := st.PaneTitle.Render(fmt.Sprintf("pid %s", display.PIDText(proc))) + " · " + commName(proc)
	if p.exited {
		title += "  " + st.Vanished.Render("exited") + st.Dim.Render(" (the last known state)")
	}
	field := func(label, value string) string {
		return cut(st.Label.Render(fit(label, 11))+value, p.width)
	}
	out := []string{cut(title, p.width)}
	if cmd := display.CommandLine(proc); cmd != "" {
		out = append(out, field("command", cmd))
	}
	uid := "?"
	if proc.UID >= 0 {
		uid = fmt.Sprint(proc.UID)
	}
	out = append(out, field("user", fmt.Sprintf("%s (uid %s)", display.UserText(p.c.users, proc), uid)))
	out = append(out, field("parent", parentText(snap, proc)))
	container := st.Dim.Render("none")
	if proc.Container != nil {
		container = proc.Container.String()
	}
	out = append(out, field("container", container))
	if chain := pidChain(snap, proc); chain != "" {
		out = append(out, field("pid chain", chain))
	}
	if proc.Cgroup != "" {
		out = append(out, field("cgroup", proc.Cgroup))
	}
	return append(out, field("isolated", p.fingerprint()))
}

// parentText names a process's parent: its pid and command line.
func parentText(snap *inspect.Snapshot, proc *inspect.Process) string {
	if proc.PPID == 0 {
		return "none (started by the kernel)"
	}
	parent := snap.Processes[proc.PPID]
	if parent == nil {
		return fmt.Sprintf("%d (not in view)", proc.PPID)
	}
	return fmt.Sprintf("%d %s", parent.PID, display.CommandLine(parent))
}

// pidChain shows the process's pid in each pid namespace it is in, from
// its own outwards: "4 in pid 4026532300 → 434 on the host". Empty for a
// process in the scanner's pid namespace only.
func pidChain(snap *inspect.Snapshot, proc *inspect.Process) string {
	if len(proc.NSpid) < 2 {
		return ""
	}
	// The pid namespaces from the process's own up to the scanner's.
	var levels []inspect.NamespaceID
	for id := proc.Namespaces[inspect.LinkPID]; !id.IsZero() && len(levels) < len(proc.NSpid); {
		levels = append(levels, id)
		ns := snap.Namespaces[id]
		if ns == nil {
			break
		}
		id = ns.Parent
	}
	parts := make([]string, 0, len(proc.NSpid))
	for i := len(proc.NSpid) - 1; i >= 0; i-- {
		var where string
		switch level := len(proc.NSpid) - 1 - i; {
		case i == 0:
			where = "on the host"
			if snap.Initial[inspect.LinkPID] != snap.Self()[inspect.LinkPID] {
				where = "where nsdive runs"
			}
		case level < len(levels):
			where = "in pid " + levels[level].String()
		default:
			where = "in a nested pid namespace"
		}
		parts = append(parts, fmt.Sprintf("%d %s", proc.NSpid[i], where))
	}
	return strings.Join(parts, " → ")
}

// fingerprint lists the types of the namespaces that are not the host's
// initial ones: what the process is isolated by.
func (p *processPage) fingerprint() string {
	var types []string
	known := 0
	for _, t := range inspect.Types {
		l := inspect.LinkOf(t)
		if !p.proc.Namespaces[l].IsZero() && !p.snap.Initial[l].IsZero() {
			known++
		}
		if display.IsNotInitial(p.snap, p.proc, l) {
			types = append(types, t.String())
		}
	}
	var children []string
	for _, l := range []inspect.Link{inspect.LinkPIDForChildren, inspect.LinkTimeForChildren} {
		if forChildrenDiffers(p.proc, l) {
			children = append(children, l.Type().String())
		}
	}
	var s string
	switch {
	case known == 0:
		return "unknown: its namespaces could not be read"
	case len(types) == 0:
		s = "nothing: every namespace is the host's"
	default:
		s = p.c.styles.Changed.Render(strings.Join(types, " ")) +
			fmt.Sprintf(" (%d of %d types are not the host's)", len(types), len(inspect.Types))
	}
	if len(children) > 0 {
		s += "; its children get a new " + strings.Join(children, " and ") + " namespace"
	}
	return s
}

// namespacesView draws one row per namespace link: type, inode (marked
// when not the initial one), members and what is inside.
func (p *processPage) namespacesView() []string {
	st := p.c.styles
	const typeW, nsW, procsW = 17, 12, 6
	insideW := max(p.width-2-typeW-nsW-procsW-3, 0)
	head := "  " + fit("NAMESPACE", typeW) + " " + fit("  INODE", nsW) + " " + fmt.Sprintf("%*s", procsW, "PROCS") + " " + "INSIDE"
	out := []string{st.Label.Render(cut(head, p.width))}
	snap := p.c.world.snap
	for i, l := range p.links {
		id := p.proc.Namespaces[l]
		ns := snap.Namespaces[id]
		mark := "  "
		if display.IsNotInitial(p.snap, p.proc, l) {
			mark = display.NotInitialMark + " "
		}
		inode, procs, inside := "-", "", ""
		if !id.IsZero() {
			inode = id.String()
		}
		switch {
		case id.IsZero():
			inside = "unreadable"
		case ns == nil:
			inside = st.Vanished.Render("gone")
		default:
			procs = fmt.Sprint(ns.NumProcs())
			inside = nsInside(snap, ns)
			switch {
			case isInitial(snap, ns):
				inside = joinNonEmpty(" · ", "host", inside)
			case l.ForChildren():
				inside = joinNonEmpty(" · ", "for its children", inside)
			}
		}
		cursor := "  "
		if i == p.list.cursor {
			cursor = "▸ "
		}
		line := cursor + fit(l.Name(), typeW) + " " + fit(mark+inode, nsW) + " " + fmt.Sprintf("%*s", procsW, procs) + " " + cut(inside, insideW)
		line = strings.TrimRight(line, " ")
		switch {
		case i == p.list.cursor:
			line = st.Selected.Render(line)
		case mark != "  ":
			line = st.Changed.Render(line)
		}
		out = append(out, line)
	}
	legend := display.NotInitialMark + " not the host's initial namespace · ⏎ opens the namespace"
	return append(out, st.Dim.Render(cut(legend, p.width)))
}

// membersView lists, in the room left, who else is in the namespace under
// the cursor: its processes (this one marked) and what else holds it.
func (p *processPage) membersView(room int) []string {
	if room < 4 || p.list.cursor >= len(p.links) {
		return nil
	}
	st := p.c.styles
	snap := p.c.world.snap
	l := p.links[p.list.cursor]
	ns := snap.Namespaces[p.proc.Namespaces[l]]
	if ns == nil {
		return nil
	}
	title := fmt.Sprintf("─ %s %s · %d processes · %s ", ns.Type, ns.ID, ns.NumProcs(), nsWho(snap, ns))
	title = cut(title, p.width)
	out := []string{"", st.PaneTitle.Render(title) + st.Dim.Render(strings.Repeat("─", max(p.width-ansi.StringWidth(title), 0)))}
	if labels := snap.HolderLabels(ns); len(labels) > 0 {
		out = append(out, cut(st.Held.Render("held also by "+strings.Join(labels, ", ")), p.width))
	}
	procs := ns.Processes
	left := room - len(out)
	for i, m := range procs {
		if i == left-1 && len(procs) > left {
			out = append(out, st.Dim.Render(fmt.Sprintf("  … %d more", len(procs)-i)))
			break
		}
		line := fmt.Sprintf("  %7s  %s", display.PIDText(m), display.CommandLine(m))
		if m.PID == p.proc.PID {
			line = st.Selected.Render(cut(line+"  ◂ this process", p.width))
		} else {
			line = cut(line, p.width)
		}
		out = append(out, line)
	}
	return out
}
