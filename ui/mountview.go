package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
)

// View draws the title, the mount table and the chosen mount's links.
func (p *mountPage) View() string {
	st := p.c.styles
	if p.snap == nil {
		return st.Dim.Render("scanning /proc…")
	}
	if _, ok := p.snap.Mounts[p.mntns]; !ok {
		return p.titleView() + "\n" + st.Warn.Render(p.missingText())
	}
	p.fitLists()
	out := []string{p.titleView()}
	out = append(out, p.tableView()...)
	out = append(out, p.linksView()...)
	return strings.Join(out, "\n")
}

// missingText says why a namespace's mounts are not there.
func (p *mountPage) missingText() string {
	if p.gone {
		return "The mount namespace is gone and its mounts were never read."
	}
	if len(p.snap.Mounts) == 0 {
		return "This snapshot has no mount tables (it was taken without --details)."
	}
	return "Its mount table could not be read: run nsdive as root for the full view."
}

func (p *mountPage) titleView() string {
	st := p.c.styles
	parts := []string{st.PaneTitle.Render("mnt " + p.mntns.String())}
	if p.ns != nil {
		parts = append(parts, nsWho(p.snap, p.ns))
	}
	parts = append(parts, fmt.Sprintf("%d mounts", len(p.snap.Mounts[p.mntns])))
	if p.gone {
		parts = append(parts, st.Vanished.Render("gone")+" (last known)")
	}
	return cut(strings.Join(parts, " · "), p.width)
}

// mountColumn is one of the table's columns after TARGET.
type mountColumn struct {
	title string
	width int
	text  func(r mountRow) string
}

func (p *mountPage) columns() (target int, cols []mountColumn) {
	all := []mountColumn{
		{"SOURCE", 24, func(r mountRow) string { return display.MountSource(r.m) }},
		{"FSTYPE", 8, func(r mountRow) string { return r.m.FSType }},
		{"PROPAGATION", 18, func(r mountRow) string { return r.m.Propagation.String() }},
		{"PEER GROUPS", 19, func(r mountRow) string { return display.PeerGroupsText(r.m.Propagation) }},
		{"OTHER NS", 8, func(r mountRow) string {
			if r.others == 0 {
				return ""
			}
			return fmt.Sprintf("%d", r.others)
		}},
	}
	// TARGET takes what its longest line needs, up to what is left; a
	// narrow terminal loses SOURCE, then FSTYPE, then PROPAGATION (the
	// peer groups still say shared or master).
	want := len("TARGET")
	for _, r := range p.rows {
		want = max(want, ansi.StringWidth(r.prefix+r.m.MountPoint))
	}
	drop := map[string]bool{}
	used := func() int {
		n := 2
		for _, c := range all {
			if !drop[c.title] {
				n += c.width + 1
			}
		}
		return n
	}
	for _, d := range []string{"SOURCE", "FSTYPE", "PROPAGATION"} {
		if p.width-used() >= min(want, 24) {
			break
		}
		drop[d] = true
	}
	for _, c := range all {
		if !drop[c.title] {
			cols = append(cols, c)
		}
	}
	if left := p.width - used(); !drop["SOURCE"] && left > want {
		// A wide terminal gives the room TARGET does not need to SOURCE,
		// as much as its longest line needs.
		source := 0
		for _, r := range p.rows {
			source = max(source, ansi.StringWidth(display.MountSource(r.m)))
		}
		cols[0].width += min(left-want, max(source-cols[0].width, 0))
	}
	return max(min(want, p.width-used()), 8), cols
}

// tableView draws the column header and the visible mounts.
func (p *mountPage) tableView() []string {
	st := p.c.styles
	target, cols := p.columns()
	head := "  " + fit("TARGET", target)
	for _, c := range cols {
		head += " " + fit(c.title, c.width)
	}
	out := []string{st.Label.Render(cut(head, p.width))}
	for i := p.list.top; i < p.list.top+p.list.height && i < len(p.rows); i++ {
		r := p.rows[i]
		mark := "  "
		if i == p.list.cursor {
			mark = "▸ "
		}
		line := mark + fit(r.prefix+r.m.MountPoint, target)
		for _, c := range cols {
			line += " " + fit(c.text(r), c.width)
		}
		line = strings.TrimRight(line, " ")
		switch {
		case i == p.list.cursor && !p.focusLinks:
			line = st.Selected.Render(line)
		case i == p.list.cursor:
			line = st.Unfocused.Render(line)
		case r.m.Shared != 0 || r.m.Master != 0:
			line = st.Propagates.Render(line)
		}
		out = append(out, line)
	}
	return out
}

// linksView explains the chosen mount's propagation and lists the mounts
// in every namespace that share or receive its events.
func (p *mountPage) linksView() []string {
	st := p.c.styles
	m := p.current()
	if m == nil {
		return []string{st.Dim.Render("no mounts")}
	}
	title := fmt.Sprintf("─ %s · mount %d · %s ", m.MountPoint, m.ID, display.MountSource(m))
	if n := len(p.links); n > 0 {
		title += fmt.Sprintf("· %d linked ", n)
	}
	title = cut(title, p.width)
	out := []string{st.PaneTitle.Render(title) + st.Dim.Render(strings.Repeat("─", max(p.width-lipgloss.Width(title), 0)))}
	out = append(out, p.meaningLines(m)...)
	if len(p.links) == 0 {
		for _, l := range strings.Split(lipgloss.NewStyle().Width(max(p.width, 20)).Render(noLinksHint(m)), "\n") {
			out = append(out, st.Dim.Render(l))
		}
		return out
	}
	relW, whoW, targetW := len("RELATION"), len("NAMESPACE"), len("MOUNT POINT")
	for _, l := range p.links {
		relW = max(relW, 2+len(l.rel.word()))
		whoW = max(whoW, ansi.StringWidth(p.linkWho(l)))
		targetW = max(targetW, ansi.StringWidth(l.mount.MountPoint))
	}
	whoW = min(whoW, max(p.width/4, 16))
	row := func(mark, rel, who, inode, target, groups string) string {
		return mark + fit(rel, relW) + " " + fit(who, whoW) + " " + fit(inode, 10) + "  " + fit(target, targetW) + "  " + groups
	}
	out = append(out, st.Label.Render(cut(row("  ", "RELATION", "NAMESPACE", "MNT NS", "MOUNT POINT", "PEER GROUPS"), p.width)))
	for i := p.linkList.top; i < p.linkList.top+p.linkList.height && i < len(p.links); i++ {
		l := p.links[i]
		chosen := i == p.linkList.cursor && p.focusLinks
		mark := "  "
		if chosen {
			mark = "▸ "
		}
		line := cut(row(mark, l.rel.arrow()+" "+l.rel.word(), p.linkWho(l), l.ref.MountNS.String(),
			l.mount.MountPoint, display.PeerGroupsText(l.mount.Propagation)), p.width)
		if chosen {
			line = st.Selected.Render(line)
		}
		out = append(out, line)
	}
	return out
}

// meaningLines says what the mount's propagation does, wrapped to the
// page's width.
func (p *mountPage) meaningLines(m *inspect.Mount) []string {
	return strings.Split(lipgloss.NewStyle().Width(max(p.width, 20)).Render(propagationMeaning(m.Propagation)), "\n")
}

// linkWho names the namespace of a linked mount: "this namespace" for
// the page's own.
func (p *mountPage) linkWho(l mountLink) string {
	if l.ref.MountNS == p.mntns {
		return "this namespace"
	}
	if ns := p.snap.Namespaces[l.ref.MountNS]; ns != nil {
		return nsWho(p.snap, ns)
	}
	return "?"
}

// noLinksHint says why a mount exchanges no events with another, and how
// to try propagation out.
func noLinksHint(m *inspect.Mount) string {
	switch {
	case m.Master != 0:
		return fmt.Sprintf("Group %d has no mount in the namespaces this scan could read (run as root for the full view).", m.Master)
	case m.Shared != 0:
		return fmt.Sprintf("No other mount is in group %d yet. Try: unshare -m --propagation unchanged makes a namespace whose copy of %s is a peer; --propagation slave makes one whose copy only receives.", m.Shared, m.MountPoint)
	}
	return fmt.Sprintf("No other mount shares its events. Try: mount --make-shared %s, then unshare -m --propagation unchanged: the new namespace's copy is its peer, and a mount under it in either shows in both.", m.MountPoint)
}
