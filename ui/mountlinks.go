package ui

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/nsdive/nsdive/inspect"
)

// linkRel is how another mount exchanges mount events with a chosen one.
type linkRel uint8

// The relations, in the order the mount page lists them.
const (
	relPeer    linkRel = iota // in the same shared peer group: events go both ways
	relSlave                  // a slave of the mount's peer group: receives its events
	relMaster                 // in the group the mount is a slave of: sends it events
	relSibling                // another slave of that group: receives the same events
)

// mountLink is a mount, in any mount namespace, that exchanges mount events
// with the chosen mount.
type mountLink struct {
	rel   linkRel
	ref   inspect.MountRef
	mount *inspect.Mount
}

// arrow and word show the relation, readable without colour.
func (r linkRel) arrow() string { return [...]string{"⇄", "→", "←", "↙"}[r] }
func (r linkRel) word() string {
	return [...]string{"peer", "slave", "master", "also receives"}[r]
}

// mountLinks finds every mount that exchanges mount events with ref: its
// peers (shared:N, the same N), the slaves of its group (master:N), the
// group it is a slave of, and that group's other slaves; each part sorted
// by namespace and mount id. It scans every mount table once for the slaves.
func mountLinks(snap *inspect.Snapshot, ref inspect.MountRef) []mountLink {
	m := snap.Mount(ref)
	if m == nil || (m.Shared == 0 && m.Master == 0) {
		return nil
	}
	var links, slaves, siblings []mountLink
	add := func(to *[]mountLink, rel linkRel, r inspect.MountRef) {
		if mm := snap.Mount(r); mm != nil {
			*to = append(*to, mountLink{rel: rel, ref: r, mount: mm})
		}
	}
	for _, r := range snap.Peers(ref) {
		add(&links, relPeer, r)
	}
	for ns, mounts := range snap.Mounts {
		for i := range mounts {
			r := inspect.MountRef{MountNS: ns, MountID: mounts[i].ID}
			switch {
			case r == ref:
			case m.Shared != 0 && mounts[i].Master == m.Shared:
				slaves = append(slaves, mountLink{rel: relSlave, ref: r, mount: &mounts[i]})
			case m.Master != 0 && mounts[i].Master == m.Master:
				siblings = append(siblings, mountLink{rel: relSibling, ref: r, mount: &mounts[i]})
			}
		}
	}
	slices.SortFunc(slaves, compareLinks)
	slices.SortFunc(siblings, compareLinks)
	links = append(links, slaves...)
	for _, r := range snap.ReceivesFrom(ref) {
		add(&links, relMaster, r)
	}
	return append(links, siblings...)
}

// compareLinks orders links by namespace inode, then mount id.
func compareLinks(a, b mountLink) int {
	return cmp.Or(cmp.Compare(a.ref.MountNS.Ino, b.ref.MountNS.Ino), cmp.Compare(a.ref.MountID, b.ref.MountID))
}

// elsewhere counts the links of ref into other mount namespaces.
func elsewhere(links []mountLink, ref inspect.MountRef) int {
	n := 0
	for _, l := range links {
		if l.ref.MountNS != ref.MountNS {
			n++
		}
	}
	return n
}

// propagationMeaning says in a sentence what a mount's propagation does,
// for people learning it.
func propagationMeaning(p inspect.Propagation) string {
	switch {
	case p.Shared != 0 && p.Master != 0:
		return fmt.Sprintf("shared:%d and a slave of group %d: receives group %d's mount events and shares them, and its own, with group %d.", p.Shared, p.Master, p.Master, p.Shared)
	case p.Shared != 0:
		return fmt.Sprintf("shared:%d: a mount or unmount under it happens in its peers too, both ways, and reaches their slaves.", p.Shared)
	case p.Master != 0:
		return fmt.Sprintf("slave of group %d: mounts and unmounts in group %d reach it; its own stay in this namespace.", p.Master, p.Master)
	case p.Unbindable:
		return "unbindable: private, and it cannot be bind-mounted (a recursive bind skips it)."
	}
	return "private: nothing propagates in or out; mounts under it stay in this namespace."
}
