package inspect

import (
	"fmt"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// scanNetNSIDs reads the id the scanner's network namespace gives each
// network namespace: lsns's NETNSID. It opens each namespace's file and
// asks from outside; no namespace is entered. It runs after the details,
// whose link listings can make the kernel assign ids to the namespaces of
// remote veth peers, so the ids are those a later `ip netns list-id` or
// lsns would see.
//
// Most namespaces have no id, so it asks about few: an id, once assigned,
// stays the namespace's for its life, so a namespace the last scan saw
// (see pinnedFacts) keeps the id it had; and when every id assigned is
// one of those (one dump lists them), no other namespace has one.
func (sc *scanner) scanNetNSIDs(snap *Snapshot) {
	known := make(map[int]bool)
	var ask []*Namespace
	for _, ns := range snap.SortedNamespaces() {
		if ns.Type != Net {
			continue
		}
		if f, ok := sc.pinnedFacts(ns); ok && f.netnsid >= 0 {
			ns.NetNSID = f.netnsid
			known[f.netnsid] = true
			continue
		}
		ask = append(ask, ns)
	}
	if len(ask) > 1 && allKnown(known) {
		return // the rest have none: NetNSID stays -1
	}
	for _, ns := range ask {
		if sc.ctx.Err() != nil {
			return
		}
		nsid, err := readNetNSID(snap, ns)
		if err != nil {
			sc.unreadableOther.Add(1)
			continue
		}
		ns.NetNSID = nsid
	}
}

// allKnown reports whether every netnsid the scanner's network namespace
// has assigned is in known; false when they cannot be listed.
func allKnown(known map[int]bool) bool {
	assigned, err := assignedNetNSIDs()
	if err != nil {
		return false
	}
	for _, id := range assigned {
		if !known[id] {
			return false
		}
	}
	return true
}

// assignedNetNSIDs lists the netnsids the calling thread's network
// namespace (the scanner's: its threads never leave it) has assigned to
// other namespaces.
//
// Equivalent to: ip netns list-id
func assignedNetNSIDs() ([]int, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETNSID, unix.NLM_F_DUMP)
	req.AddData(nl.NewRtGenMsg())
	msgs, err := req.Execute(unix.NETLINK_ROUTE, unix.RTM_NEWNSID)
	if err != nil {
		return nil, fmt.Errorf("list netnsids: %w", err)
	}
	var ids []int
	for _, m := range msgs {
		attrs, err := nl.ParseRouteAttr(m[nl.NewRtGenMsg().Len():])
		if err != nil {
			return nil, fmt.Errorf("list netnsids: %w", err)
		}
		for _, a := range attrs {
			if a.Attr.Type == netlink.NETNSA_NSID && len(a.Value) == 4 {
				ids = append(ids, int(int32(nl.NativeEndian().Uint32(a.Value))))
			}
		}
	}
	return ids, nil
}

// readNetNSID reads the netnsid of network namespace ns (see
// scanNetNSIDs).
func readNetNSID(snap *Snapshot, ns *Namespace) (int, error) {
	fd, err := openNamespace(snap, ns)
	if err != nil {
		return -1, err
	}
	defer unix.Close(fd)
	return netnsIDOf(fdPath(fd))
}
