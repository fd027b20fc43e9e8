package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/nsdive/nsdive/inspect"
)

// netRateW is the width of one rate column ("1.2 kB", "100 MB": bytes
// per second, as the title says).
const netRateW = 6

// netCols are the widest cells of the topology's columns, measured once
// per scan, so that drawing a frame only cuts them to the room there is.
type netCols struct {
	name int
	// addrs are an interface row's addresses, linkAddrs a link's near
	// end's: a bridge's ports have none, and their links then start
	// right after their names.
	addrs, linkAddrs int
	far, label       int
	// meta is what a wide page says of the far namespace after its
	// label.
	meta int
}

// measureNetCols measures the interface rows' cells.
func measureNetCols(snap *inspect.Snapshot, rows []netRow) netCols {
	var c netCols
	for _, r := range rows {
		if r.kind == netRowLink {
			label, meta := farLabel(snap, r)
			c.label = max(c.label, runeLen(label))
			c.meta = max(c.meta, runeLen(meta))
		}
		if r.ifc == nil {
			continue
		}
		c.name = max(c.name, runeLen(r.port+r.ifc.Name))
		if r.kind == netRowLink {
			c.linkAddrs = max(c.linkAddrs, runeLen(addrsText(r.ifc)))
			c.far = max(c.far, runeLen(farText(r.far)))
		} else {
			c.addrs = max(c.addrs, runeLen(addrsText(r.ifc)))
		}
	}
	return c
}

// netSeg is a piece of a line with its style.
type netSeg struct {
	text  string
	style *lipgloss.Style // nil: plain
}

// View draws the title line, the rows in view and the selection's detail.
func (p *netPage) View() string {
	st := p.c.styles
	if p.c.world == nil || p.topo == nil {
		return st.Dim.Render("scanning…")
	}
	h := p.listHeight()
	lines := make([]string, 0, p.height)
	lines = append(lines, p.titleLine())
	if p.headLines() > 1 {
		lines = append(lines, p.filter.view(&st, p.width, matchCount(p.matches)))
	}
	for i := p.top; i < len(p.topo.rows) && i < p.top+h; i++ {
		lines = append(lines, p.rowLine(i))
	}
	for len(lines) < p.headLines()+h {
		lines = append(lines, "")
	}
	if p.detailHeight() > 0 {
		lines = append(lines, st.Dim.Render(strings.Repeat("─", p.width)))
		lines = append(lines, p.detailLines(p.detailHeight()-1)...)
	}
	return strings.Join(lines, "\n")
}

// titleLine counts what the page shows and heads the rate columns.
func (p *netPage) titleLine() string {
	nss, links := 0, 0
	for _, ns := range p.snap.Namespaces {
		if ns.Type == inspect.Net {
			nss++
		}
	}
	for _, r := range p.topo.rows {
		if r.kind == netRowLink {
			links++
		}
	}
	st := p.c.styles
	left := []netSeg{
		{"Network", &st.PaneTitle},
		{fmt.Sprintf(" · %d %s · %d veth %s · %s", nss, plural(nss, "namespace", "namespaces"),
			links, plural(links, "link", "links"), p.spanText()), &st.Dim},
	}
	right := fmt.Sprintf("%*s %*s", netRateW, "rx/s", netRateW, "tx/s")
	return p.fit(left, []netSeg{{right, &st.Dim}}, false)
}

// rowLine draws row i.
func (p *netPage) rowLine(i int) string {
	r := p.topo.rows[i]
	st := p.c.styles
	selected := i == p.cursor
	var left, right []netSeg
	switch r.kind {
	case netRowSection:
		left = []netSeg{{r.text, &st.PaneTitle}}
	case netRowNS:
		left = p.nsSegs(r)
	default:
		left, right = p.ifaceSegs(r)
	}
	// The gutter marks the selection in a way that reads without colour
	// and without reverse video too.
	gutter := "  "
	if selected {
		gutter = "▸ "
	}
	return p.fit(append([]netSeg{{gutter, nil}}, left...), right, selected)
}

// nsSegs draws a namespace's heading, or its one line without links.
func (p *netPage) nsSegs(r netRow) []netSeg {
	st := p.c.styles
	label := &st.Label
	meta := netMeta(p.snap, r.ns)
	if _, ok := p.c.world.appeared[r.ns.ID]; ok {
		label = &st.Appeared
	}
	if p.gone(r.ns) {
		label, meta = &st.Vanished, append(meta, "vanished in the last rescan")
	}
	segs := []netSeg{{netLabel(p.snap, r.ns), label}, {"  " + strings.Join(meta, " · "), &st.Dim}}
	if !r.compact {
		return segs
	}
	var ifcs []string
	for _, ifc := range netIfaces(r.ns) {
		ifcs = append(ifcs, strings.TrimSpace(ifc.Name+" "+ifc.State+" "+addrsText(&ifc)))
	}
	if r.ns.Details.Net == nil {
		ifcs = append(ifcs, "interfaces not read")
	}
	return append([]netSeg{{"  ", nil}}, append(segs, netSeg{" · " + strings.Join(ifcs, ", "), nil})...)
}

// ifaceSegs draws an interface or link row: the interface, its addresses,
// and the far end with its namespace, or what the interface is; the rates
// on the right are those of the row's last interface.
func (p *netPage) ifaceSegs(r netRow) (left, right []netSeg) {
	st := p.c.styles
	w := p.colWidths()
	addrW := w.addrs
	if r.kind == netRowLink {
		addrW = w.linkAddrs
	}
	left = []netSeg{{"  " + cell(r.port+r.ifc.Name, w.name) + " ", nil}}
	if addrW > 0 {
		left[0].text += cell(addrsText(r.ifc), addrW) + " "
	}
	rateNS, rateIfc := r.ns, r.ifc
	switch {
	case r.kind == netRowLink:
		wire := "═══"
		if r.ifc.State != "up" || r.far.State != "up" {
			wire = "╌╌╌"
		}
		label, meta := farLabel(p.snap, r)
		style := &st.Label
		if r.farNS == r.ns {
			style = &st.Dim
		} else if _, ok := p.c.world.appeared[r.farNS.ID]; ok {
			style = &st.Appeared
		}
		left = append(left, netSeg{wire + " ", &st.Key}, netSeg{cell(farText(r.far), w.far) + "  ", nil}, netSeg{label, style})
		if p.wide() && meta != "" {
			left[len(left)-1].text = cell(label, w.label-2-p.cols.meta)
			left = append(left, netSeg{"  " + meta, &st.Dim})
		}
		rateNS, rateIfc = r.farNS, r.far
	case r.far != nil:
		left = append(left, netSeg{"═══ " + r.far.Name + " in " + netLabel(p.snap, r.farNS), &st.Dim})
	case r.ifc.Kind == "veth" && p.gone(r.ns):
		left = append(left, netSeg{"╌╌╌ gone with its peer", &st.Dim})
	case r.ifc.Kind == "veth":
		left = append(left, netSeg{"═══ peer not seen", &st.Dim})
	default:
		note := r.ifc.Kind
		if r.ifc.State != "up" && r.ifc.State != "unknown" {
			note += " " + r.ifc.State
		}
		left = append(left, netSeg{note, &st.Dim})
	}
	rx, tx, ok := p.rateOf(rateNS, rateIfc)
	style := (*lipgloss.Style)(nil)
	if !ok {
		style = &st.Dim
	}
	right = []netSeg{{fmt.Sprintf("%*s %*s", netRateW, rx, netRateW, tx), style}}
	if p.gone(r.ns) {
		for i := range left {
			left[i].style = &st.Vanished
		}
	}
	return left, right
}

// gone reports whether ns vanished in a rescan a moment ago: the page
// still shows it, faded.
func (p *netPage) gone(ns *inspect.Namespace) bool {
	return p.snap.Namespaces[ns.ID] != ns
}

// colWidths shares the room left of the rates among the columns, each no
// wider than its widest cell: the name first (interface names are
// short), then on a link's row its far end and the near end's addresses
// alike, leaving the far namespace's label at least 8 cells.
func (p *netPage) colWidths() netCols {
	const labelMin = 8
	room := p.width - (2*netRateW + 1) - 14 // rates, gutter, indent, gaps, "═══ "
	var w netCols
	w.name = min(p.cols.name, max(room/3, 8))
	rest := max(room-w.name-labelMin, 16)
	w.far = min(p.cols.far, max(rest/2, rest-p.cols.linkAddrs))
	w.linkAddrs = min(p.cols.linkAddrs, rest-w.far)
	w.addrs = min(p.cols.addrs, max(room-w.name-labelMin, 8))
	w.label = max(p.cols.label, labelMin)
	if p.wide() {
		w.label += 2 + p.cols.meta
	}
	return w
}

// wide reports whether the page has the room to say more of each far
// namespace than its label.
func (p *netPage) wide() bool { return p.width >= 150 }

// farLabel is the label of a link's far namespace and, for a wide page,
// what more there is to say of it.
func farLabel(snap *inspect.Snapshot, r netRow) (label, meta string) {
	if r.farNS == r.ns {
		return "same namespace", ""
	}
	return netLabel(snap, r.farNS), strings.Join(netMeta(snap, r.farNS), " · ")
}

// contentWidth is the width of the widest interface row left of the
// rates, and at least the title's.
func (p *netPage) contentWidth() int {
	w := p.colWidths()
	link := 4 + w.name + 1 + w.linkAddrs + 1 + 4 + w.far + 2 + w.label
	iface := 4 + w.name + 1 + w.addrs + 1 + 10
	return max(link, iface, 60)
}

// fit draws left and right segments on one line of the page's width: left
// cut where it would run into right, right flush with the edge. The
// selected line is drawn reversed, without the segments' own styles, so
// that it reads without colour.
func (p *netPage) fit(left, right []netSeg, selected bool) string {
	var lt, rt strings.Builder
	for _, s := range left {
		lt.WriteString(s.text)
	}
	for _, s := range right {
		rt.WriteString(s.text)
	}
	rw := runeLen(rt.String())
	lw := max(p.width-rw-2, 0)
	if rw > 0 {
		// The rates stand right of the widest row, not at the edge of a
		// wide terminal, where the eye would lose the row.
		lw = min(lw, p.contentWidth())
	}
	plainLeft := cell(lt.String(), lw)
	if selected {
		line := plainLeft + "  " + rt.String()
		return p.c.styles.Selected.Render(cell(line, p.width))
	}
	// Each segment draws its part of plainLeft, which is left cut to lw
	// cells.
	var out strings.Builder
	runes := []rune(plainLeft)
	used := 0
	for _, s := range left {
		n := min(runeLen(s.text), lw-used)
		if n <= 0 {
			break
		}
		out.WriteString(render(s.style, string(runes[used:used+n])))
		used += n
	}
	if len(right) == 0 {
		return strings.TrimRight(out.String(), " ")
	}
	out.WriteString(strings.Repeat(" ", max(lw-used, 0)) + "  ")
	for _, s := range right {
		out.WriteString(render(s.style, s.text))
	}
	return out.String()
}

func render(st *lipgloss.Style, s string) string {
	if st == nil {
		return s
	}
	return st.Render(s)
}

// cell fits s in exactly w cells: cut with an ellipsis, or padded.
func cell(s string, w int) string {
	r := []rune(s)
	switch {
	case w <= 0:
		return ""
	case len(r) > w:
		return string(r[:w-1]) + "…"
	}
	return s + strings.Repeat(" ", w-len(r))
}

func runeLen(s string) int { return len([]rune(s)) }

// addrsText lists an interface's addresses but the IPv6 link-local ones.
func addrsText(ifc *inspect.Interface) string {
	return strings.Join(netAddrs(ifc), " ")
}

// farText is a link's far end: its name and addresses.
func farText(ifc *inspect.Interface) string {
	return strings.TrimSpace(ifc.Name + " " + addrsText(ifc))
}
