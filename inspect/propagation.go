package inspect

import (
	"cmp"
	"slices"
)

// linkPeerGroups finds, for every peer group id N, the mounts with shared:N
// in all the mount tables, so that a mount's peers in other mount
// namespaces can be found. Each group is sorted by namespace, then mount id,
// so that snapshots of the same system compare equal.
func linkPeerGroups(tables map[NamespaceID][]Mount) map[int][]MountRef {
	groups := make(map[int][]MountRef)
	for ns, mounts := range tables {
		for i := range mounts {
			if g := mounts[i].Shared; g != 0 {
				groups[g] = append(groups[g], MountRef{MountNS: ns, MountID: mounts[i].ID})
			}
		}
	}
	for _, refs := range groups {
		slices.SortFunc(refs, compareMountRefs)
	}
	return groups
}

// compareMountRefs orders mount references by namespace inode (device as a
// tie-break), then mount id.
func compareMountRefs(a, b MountRef) int {
	return cmp.Or(
		cmp.Compare(a.MountNS.Ino, b.MountNS.Ino),
		cmp.Compare(a.MountNS.Dev, b.MountNS.Dev),
		cmp.Compare(a.MountID, b.MountID),
	)
}

// Mount returns the mount ref names, or nil when the snapshot has no such
// mount. It searches the namespace's table, which is not indexed.
func (s *Snapshot) Mount(ref MountRef) *Mount {
	mounts := s.Mounts[ref.MountNS]
	for i := range mounts {
		if mounts[i].ID == ref.MountID {
			return &mounts[i]
		}
	}
	return nil
}

// Peers returns the other members of the mount's shared peer group, in
// every mount namespace: mounts that send mount events to it and receive
// them from it. It returns nil for a mount that is not shared.
func (s *Snapshot) Peers(ref MountRef) []MountRef {
	m := s.Mount(ref)
	if m == nil || m.Shared == 0 {
		return nil
	}
	var peers []MountRef
	for _, r := range s.PeerGroups[m.Shared] {
		if r != ref {
			peers = append(peers, r)
		}
	}
	return peers
}

// ReceivesFrom returns the members of the peer group the mount is a slave
// of (its master:N), which send it mount events it does not send back. It
// returns nil for a mount that is not a slave, or whose master group has no
// member in the snapshot (it lies in a namespace that was not read). A
// shared mount also receives events from its Peers.
func (s *Snapshot) ReceivesFrom(ref MountRef) []MountRef {
	m := s.Mount(ref)
	if m == nil || m.Master == 0 {
		return nil
	}
	return slices.Clone(s.PeerGroups[m.Master])
}

// PropagatesTo returns the mounts that receive the mount events of the
// mount directly: its Peers, then the slaves of its peer group (mounts
// with master:N), each part sorted by namespace and mount id. A receiver
// that is itself shared passes events on to its own peers and slaves; call
// PropagatesTo on it to follow them. It scans every mount table.
func (s *Snapshot) PropagatesTo(ref MountRef) []MountRef {
	m := s.Mount(ref)
	if m == nil || m.Shared == 0 {
		return nil
	}
	out := s.Peers(ref)
	var slaves []MountRef
	for ns, mounts := range s.Mounts {
		for i := range mounts {
			if mounts[i].Master == m.Shared {
				slaves = append(slaves, MountRef{MountNS: ns, MountID: mounts[i].ID})
			}
		}
	}
	slices.SortFunc(slaves, compareMountRefs)
	return append(out, slaves...)
}
