package ui

import (
	"fmt"
	"strings"

	"github.com/nsdive/nsdive/inspect"
)

// netFacts is one thing the detail describes: a heading and facts, wrapped
// at " · " to the page's width.
type netFacts struct {
	head  []netSeg
	facts []string
}

// detailLines describes the selection under the list, in at most n lines:
// a namespace's processes, holders and routes, or both ends of a link in
// full.
func (p *netPage) detailLines(n int) []string {
	st := p.c.styles
	var items []netFacts
	if p.cursor < len(p.topo.rows) {
		switch r := p.topo.rows[p.cursor]; r.kind {
		case netRowNS:
			meta := netMeta(p.snap, r.ns)
			facts := append(meta, holdersFacts(r.ns, strings.Join(meta, " "))...)
			items = append(items,
				netFacts{[]netSeg{{"namespace ", &st.Dim}, {netLabel(p.snap, r.ns), &st.Label}}, facts},
				netFacts{[]netSeg{{"routes", &st.Dim}}, routesFacts(r.ns)})
		case netRowLink:
			items = append(items, p.endFacts(r.ns, r.ifc), p.endFacts(r.farNS, r.far))
		}
	}
	var lines []string
	for _, it := range items {
		lines = append(lines, p.wrapFacts(it)...)
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines[:n]
}

// wrapFacts writes a heading and its facts on as many lines as the width
// needs, the continuation lines indented.
func (p *netPage) wrapFacts(it netFacts) []string {
	var lines []string
	segs := it.head
	used := 0
	for _, s := range segs {
		used += runeLen(s.text)
	}
	sep := " "
	for _, f := range it.facts {
		if used+runeLen(sep+f) > p.width && used > 4 {
			lines = append(lines, p.fit(segs, nil, false))
			segs, used, sep = []netSeg{{"    ", nil}}, 4, ""
		}
		segs = append(segs, netSeg{sep + f, nil})
		used += runeLen(sep + f)
		sep = " · "
	}
	return append(lines, p.fit(segs, nil, false))
}

// endFacts describes one end of a link: where it is, and all of the
// interface with its counters.
func (p *netPage) endFacts(ns *inspect.Namespace, ifc *inspect.Interface) netFacts {
	st := p.c.styles
	facts := []string{fmt.Sprintf("#%d", ifc.Index), ifc.State, fmt.Sprintf("mtu %d", ifc.MTU)}
	if ifc.MAC != "" {
		facts = append(facts, ifc.MAC)
	}
	if ifc.Master != "" {
		facts = append(facts, "port of "+ifc.Master)
	}
	facts = append(facts, ifc.Addrs...)
	if s := ifc.Stats; s != nil {
		facts = append(facts, fmt.Sprintf("rx %s, %d packets", sizeText(float64(s.RxBytes)), s.RxPackets),
			fmt.Sprintf("tx %s, %d packets", sizeText(float64(s.TxBytes)), s.TxPackets))
	}
	return netFacts{[]netSeg{{netLabel(p.snap, ns), &st.Label}, {" " + ifc.Name, &st.Key}}, facts}
}

// holdersFacts lists what keeps a namespace besides its processes, each
// once (a bind mount is in every mount namespace made after it) and none
// that said already names.
func holdersFacts(ns *inspect.Namespace, said string) []string {
	var hs []string
	for _, h := range ns.Holders {
		text := holderText(h)
		if !strings.Contains(said, text) {
			hs = append(hs, "held by "+text)
			said += " " + text
		}
	}
	return hs
}

// routesFacts writes the main table as ip route does, a fact a route;
// why there are none when the namespace's details are missing.
func routesFacts(ns *inspect.Namespace) []string {
	switch {
	case ns.Details.Err != nil:
		return []string{"not read: " + ns.Details.Err.Error()}
	case ns.Details.Net == nil:
		return []string{"not read"}
	case len(ns.Details.Net.Routes) == 0:
		return []string{"none"}
	}
	rs := make([]string, len(ns.Details.Net.Routes))
	for i, r := range ns.Details.Net.Routes {
		s := r.Dst
		if r.Gateway != "" {
			s += " via " + r.Gateway
		}
		rs[i] = s + " dev " + r.Dev
	}
	return rs
}
