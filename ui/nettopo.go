package ui

import (
	"cmp"
	"slices"

	"github.com/nsdive/nsdive/inspect"
)

// netRowKind says what a row of the network page shows.
type netRowKind uint8

const (
	netRowNS      netRowKind = iota // a namespace's heading, or its one line in "not linked"
	netRowIface                     // an interface with no link drawn on its row
	netRowLink                      // a veth pair: the near end, ═══, the far end
	netRowSection                   // a section's heading
)

// netRow is one line of the topology.
type netRow struct {
	kind netRowKind
	ns   *inspect.Namespace // the namespace the row belongs to
	ifc  *inspect.Interface // the interface; a link's near end
	// far is a link's far end in farNS; on an interface row, the peer of
	// a veth whose link is drawn elsewhere (farNS's block).
	far     *inspect.Interface
	farNS   *inspect.Namespace
	port    string // "├─ " or "└─ " for a port under its bridge
	compact bool   // a namespace without links, on one line
	text    string // a section's heading
	sel     netSel // what selecting the row selects; zero when it cannot be
}

// netSel is what the network page's selection is on, kept across rescans:
// a namespace, or a veth pair by both its ends.
type netSel struct {
	ns   inspect.NamespaceID
	a, b netIfKey // a link's ends, a before b (netIfKeyLess)
}

func (s netSel) isLink() bool { return s.a != (netIfKey{}) }

// linkSel is the selection of the link between ends x and y, whichever
// end is given first.
func linkSel(x, y netIfKey) netSel {
	if netIfKeyLess(y, x) {
		x, y = y, x
	}
	return netSel{a: x, b: y}
}

func netIfKeyLess(x, y netIfKey) bool {
	return cmp.Or(cmp.Compare(x.ns.Dev, y.ns.Dev), cmp.Compare(x.ns.Ino, y.ns.Ino), cmp.Compare(x.index, y.index)) < 0
}

// netEnd is one end of a veth pair.
type netEnd struct {
	ns  *inspect.Namespace
	ifc *inspect.Interface
}

func (e netEnd) key() netIfKey { return netIfKey{e.ns.ID, e.ifc.Index} }

// netTopology is a snapshot's network namespaces and veth pairs, laid out
// as rows: a block per namespace that holds the near end of a link or is
// the host's, with its interfaces and each bridge's ports beneath it; a
// namespace whose interfaces are only loopback and far ends is drawn on
// its links' rows alone (a container behind docker0); namespaces without
// links come last, a line each.
type netTopology struct {
	rows []netRow
	// at maps a selection to its row; a namespace drawn only on its
	// links' rows maps to its first link.
	at map[netSel]int
}

// buildNetTopology lays out the network namespaces of snap that keep
// keeps, and those of gone (namespaces that vanished a moment ago, shown
// faded where they would be, with their interfaces and no links: their
// veths went with them). A veth whose far end's namespace keep leaves
// out is drawn as an interface naming its peer.
func buildNetTopology(snap *inspect.Snapshot, keep func(*inspect.Namespace) bool, gone []*inspect.Namespace) *netTopology {
	nss := slices.DeleteFunc(netNamespaces(snap, gone), func(ns *inspect.Namespace) bool { return !keep(ns) })
	order := make(map[inspect.NamespaceID]int, len(nss))
	for i, ns := range nss {
		order[ns.ID] = i
	}
	near := map[netIfKey]netEnd{}      // near end → far end
	far := map[netIfKey]netEnd{}       // far end → near end
	elsewhere := map[netIfKey]netEnd{} // an end whose peer's namespace is not shown → the peer
	for _, ns := range nss {
		if snap.Namespaces[ns.ID] != ns {
			continue // gone: its peers' ifindexes may name other interfaces now
		}
		for i := range netIfaces(ns) {
			a := netEnd{ns, &ns.Details.Net.Interfaces[i]}
			b, ok := peerEnd(snap, a.ifc)
			if !ok {
				continue
			}
			if _, shown := order[b.ns.ID]; !shown {
				elsewhere[a.key()] = b
				continue
			}
			if nearEnd(a, b, order) {
				near[a.key()], far[b.key()] = b, a
			}
		}
	}

	t := &netTopology{at: map[netSel]int{}}
	var unlinked []*inspect.Namespace
	for _, ns := range nss {
		nearHere, farHere, hidden, other := 0, 0, 0, 0
		for _, ifc := range netIfaces(ns) {
			k := netIfKey{ns.ID, ifc.Index}
			_, isNear := near[k]
			_, isFar := far[k]
			_, isHidden := elsewhere[k]
			switch {
			case isNear:
				nearHere++
			case isFar:
				farHere++
			case isHidden:
				hidden++
				other++
			case ifc.Name != "lo":
				other++
			}
		}
		initial := ns.ID == snap.Initial[inspect.LinkNet]
		switch {
		case nearHere+farHere+hidden == 0 && !initial:
			unlinked = append(unlinked, ns)
		case nearHere == 0 && other == 0 && !initial:
			// Drawn on its links' rows only.
		default:
			t.block(ns, near, far, elsewhere)
		}
	}
	if len(unlinked) > 0 {
		t.rows = append(t.rows, netRow{kind: netRowSection, text: "Not linked"})
		for _, ns := range unlinked {
			t.add(netRow{kind: netRowNS, ns: ns, compact: true, sel: netSel{ns: ns.ID}})
		}
	}
	for i, r := range t.rows {
		if r.kind == netRowLink {
			if _, ok := t.at[netSel{ns: r.farNS.ID}]; !ok {
				t.at[netSel{ns: r.farNS.ID}] = i
			}
		}
	}
	return t
}

// add appends a row and indexes its selection.
func (t *netTopology) add(r netRow) {
	if r.sel != (netSel{}) {
		t.at[r.sel] = len(t.rows)
	}
	t.rows = append(t.rows, r)
}

// block appends a namespace's heading and its interfaces, ports under
// their bridge (or bond), loopback left out.
func (t *netTopology) block(ns *inspect.Namespace, near, far, elsewhere map[netIfKey]netEnd) {
	t.add(netRow{kind: netRowNS, ns: ns, sel: netSel{ns: ns.ID}})
	ifcs := netIfaces(ns)
	masters := map[string]bool{}
	for _, ifc := range ifcs {
		masters[ifc.Name] = true
	}
	for i := range ifcs {
		ifc := &ifcs[i]
		if ifc.Name == "lo" || masters[ifc.Master] {
			continue
		}
		t.add(ifaceRow(ns, ifc, "", near, far, elsewhere))
		var ports []*inspect.Interface
		for j := range ifcs {
			if ifcs[j].Master == ifc.Name {
				ports = append(ports, &ifcs[j])
			}
		}
		for j, p := range ports {
			prefix := "├─ "
			if j == len(ports)-1 {
				prefix = "└─ "
			}
			t.add(ifaceRow(ns, p, prefix, near, far, elsewhere))
		}
	}
}

// ifaceRow is the row of interface ifc of ns: a link where it is a near
// end, a reference to the peer where it is a far end or its peer's
// namespace is not shown.
func ifaceRow(ns *inspect.Namespace, ifc *inspect.Interface, port string, near, far, elsewhere map[netIfKey]netEnd) netRow {
	k := netIfKey{ns.ID, ifc.Index}
	if b, ok := near[k]; ok {
		return netRow{kind: netRowLink, ns: ns, ifc: ifc, far: b.ifc, farNS: b.ns, port: port, sel: linkSel(k, b.key())}
	}
	r := netRow{kind: netRowIface, ns: ns, ifc: ifc, port: port}
	if a, ok := far[k]; ok {
		r.far, r.farNS = a.ifc, a.ns
	} else if b, ok := elsewhere[k]; ok {
		r.far, r.farNS = b.ifc, b.ns
	}
	return r
}

// netNamespaces returns the network namespaces of snap, with those of
// gone, in the page's order: the host's first, then those named under
// /run/netns by name, containers' by name, the rest by inode.
func netNamespaces(snap *inspect.Snapshot, gone []*inspect.Namespace) []*inspect.Namespace {
	nss := slices.Clone(gone)
	for _, ns := range snap.Namespaces {
		if ns.Type == inspect.Net {
			nss = append(nss, ns)
		}
	}
	rank := func(ns *inspect.Namespace) (int, string) {
		switch {
		case ns.ID == snap.Initial[inspect.LinkNet]:
			return 0, ""
		case netnsName(snap, ns) != "":
			return 1, netnsName(snap, ns)
		case len(ns.Containers) > 0:
			return 2, containersText(ns)
		}
		return 3, ""
	}
	slices.SortFunc(nss, func(a, b *inspect.Namespace) int {
		ra, na := rank(a)
		rb, nb := rank(b)
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(na, nb), cmp.Compare(a.ID.Ino, b.ID.Ino), cmp.Compare(a.ID.Dev, b.ID.Dev))
	})
	return nss
}

// netIfaces returns the interfaces of ns; none when they were not read.
func netIfaces(ns *inspect.Namespace) []inspect.Interface {
	if ns.Details.Net == nil {
		return nil
	}
	return ns.Details.Net.Interfaces
}

// peerEnd finds the other end of veth ifc in snap.
func peerEnd(snap *inspect.Snapshot, ifc *inspect.Interface) (netEnd, bool) {
	if ifc.Peer == nil {
		return netEnd{}, false
	}
	ns := snap.Namespaces[ifc.Peer.Namespace]
	if ns == nil {
		return netEnd{}, false
	}
	ifcs := netIfaces(ns)
	i := slices.IndexFunc(ifcs, func(p inspect.Interface) bool { return p.Index == ifc.Peer.Index })
	if i < 0 {
		return netEnd{}, false
	}
	return netEnd{ns, &ifcs[i]}, true
}

// nearEnd reports whether a is the end of the pair a-b whose row draws
// the link: a bridge's port, else the end in the namespace that comes
// first, else (a pair inside one namespace) the lower ifindex.
func nearEnd(a, b netEnd, order map[inspect.NamespaceID]int) bool {
	if ap, bp := a.ifc.Master != "", b.ifc.Master != ""; ap != bp {
		return ap
	}
	if oa, ob := order[a.ns.ID], order[b.ns.ID]; oa != ob {
		return oa < ob
	}
	return a.ifc.Index < b.ifc.Index
}
