package inspect

import (
	"cmp"
	"reflect"
	"slices"
)

// Change says what changed in a namespace or a process between two
// snapshots.
type Change uint8

// What can change in a namespace (the first four) or a process (the last
// two) that is in both snapshots.
const (
	ChangedMembers    Change = 1 << iota // the member processes
	ChangedHolders                       // the holders besides members
	ChangedDetails                       // what is inside (Details)
	ChangedRelations                     // netnsid or container
	ChangedNamespaces                    // a process's namespace links
	ChangedCommand                       // a process's command name or line (it exec'd)
)

// NamespaceChange is a namespace in both snapshots that changed.
type NamespaceChange struct {
	ID     NamespaceID
	Type   Type
	Change Change
}

// ProcessChange is a process in both snapshots that changed.
type ProcessChange struct {
	Key    ProcessKey
	Change Change
}

// Changes is what Diff found; every list is sorted (namespaces by inode
// then type, processes by pid).
type Changes struct {
	NamespacesAppeared []NamespaceID
	NamespacesVanished []NamespaceID
	NamespacesChanged  []NamespaceChange
	ProcessesAppeared  []ProcessKey
	ProcessesVanished  []ProcessKey
	ProcessesChanged   []ProcessChange
}

// Empty reports whether nothing changed.
func (c Changes) Empty() bool {
	return len(c.NamespacesAppeared)+len(c.NamespacesVanished)+len(c.NamespacesChanged)+
		len(c.ProcessesAppeared)+len(c.ProcessesVanished)+len(c.ProcessesChanged) == 0
}

// Diff says which namespaces and processes appeared, vanished or changed
// from old to new. A namespace is the same in both when its inode is,
// unless it betrays a reused inode number (see sameNamespaceAcross): then the
// old one vanished and a new one appeared. A process is the same in both when its pid is, unless
// both snapshots read its start time (see Process.Key) and they differ:
// then the pid was reused, and the old process vanished and a new one
// appeared. A part that one of the snapshots did not read (holders,
// details, netnsid, command line) is not compared.
func Diff(old, new *Snapshot) Changes {
	var c Changes
	for _, ns := range new.SortedNamespaces() {
		o := old.Namespaces[ns.ID]
		if o != nil && !sameNamespaceAcross(o, ns) {
			c.NamespacesVanished = append(c.NamespacesVanished, o.ID)
			o = nil
		}
		if o == nil {
			c.NamespacesAppeared = append(c.NamespacesAppeared, ns.ID)
			continue
		}
		if ch := diffNamespace(old, new, o, ns); ch != 0 {
			c.NamespacesChanged = append(c.NamespacesChanged, NamespaceChange{ID: ns.ID, Type: ns.Type, Change: ch})
		}
	}
	for _, ns := range old.SortedNamespaces() {
		if new.Namespaces[ns.ID] == nil {
			c.NamespacesVanished = append(c.NamespacesVanished, ns.ID)
		}
	}
	slices.SortFunc(c.NamespacesVanished, func(a, b NamespaceID) int {
		return cmp.Or(cmp.Compare(a.Ino, b.Ino), cmp.Compare(a.Dev, b.Dev))
	})
	for _, p := range new.SortedProcesses() {
		o := old.Processes[p.PID]
		switch {
		case o == nil:
			c.ProcessesAppeared = append(c.ProcessesAppeared, p.Key())
		case !sameProcess(o, p):
			c.ProcessesVanished = append(c.ProcessesVanished, o.Key())
			c.ProcessesAppeared = append(c.ProcessesAppeared, p.Key())
		default:
			if ch := diffProcess(o, p); ch != 0 {
				c.ProcessesChanged = append(c.ProcessesChanged, ProcessChange{Key: p.Key(), Change: ch})
			}
		}
	}
	for _, p := range old.SortedProcesses() {
		if new.Processes[p.PID] == nil {
			c.ProcessesVanished = append(c.ProcessesVanished, p.Key())
		}
	}
	slices.SortFunc(c.ProcessesVanished, func(a, b ProcessKey) int {
		return cmp.Or(cmp.Compare(a.PID, b.PID), cmp.Compare(a.StartTime, b.StartTime))
	})
	return c
}

// sameNamespaceAcross reports whether two namespaces with one inode number are
// one namespace: the kernel reuses the inode numbers of destroyed
// namespaces, and a busy host does within seconds. Their types and, where
// both were read, their serials must agree; without serials, two member
// lists with no process in common and no holder in common betray a new
// namespace (a namespace that lives on keeps a member or a holder across
// a refresh, unless all of them changed in between).
func sameNamespaceAcross(a, b *Namespace) bool {
	if a.Type != b.Type {
		return false
	}
	if a.Serial != 0 && b.Serial != 0 {
		return a.Serial == b.Serial
	}
	if len(a.Processes)+len(a.Holders) == 0 || len(b.Processes)+len(b.Holders) == 0 {
		return true
	}
	for _, p := range b.Processes {
		i := slices.IndexFunc(a.Processes, func(q *Process) bool { return q.PID == p.PID })
		if i >= 0 && sameProcess(a.Processes[i], p) {
			return true
		}
	}
	for _, h := range b.Holders {
		if slices.Contains(a.Holders, h) {
			return true
		}
	}
	return false
}

// sameProcess reports whether two processes with one pid are one process:
// their start times agree, or one of them was not read.
func sameProcess(a, b *Process) bool {
	return a.TGID == b.TGID && (!a.Has(FieldStat) || !b.Has(FieldStat) || a.StartTime == b.StartTime)
}

func diffProcess(o, p *Process) Change {
	var ch Change
	if o.Namespaces != p.Namespaces {
		ch |= ChangedNamespaces
	}
	if (o.Has(FieldStat) && p.Has(FieldStat) && o.Comm != p.Comm) ||
		(o.Has(FieldCmdline) && p.Has(FieldCmdline) && !slices.Equal(o.Cmdline, p.Cmdline)) {
		ch |= ChangedCommand
	}
	return ch
}

func diffNamespace(oldSnap, newSnap *Snapshot, o, n *Namespace) Change {
	var ch Change
	if !slices.EqualFunc(o.Processes, n.Processes, func(a, b *Process) bool {
		return a.PID == b.PID && sameProcess(a, b)
	}) {
		ch |= ChangedMembers
	}
	const holderParts = PartMountHolders | PartFDHolders | PartForChildren
	if oldSnap.Parts&holderParts == newSnap.Parts&holderParts && !slices.Equal(o.Holders, n.Holders) {
		ch |= ChangedHolders
	}
	if oldSnap.HasDetails(n.Type) && newSnap.HasDetails(n.Type) && !sameDetails(o.Details, n.Details) {
		ch |= ChangedDetails
	}
	both := oldSnap.Parts & newSnap.Parts
	if (both&PartNetNSID != 0 && o.NetNSID != n.NetNSID) ||
		(both&PartContainers != 0 && !reflect.DeepEqual(o.Containers, n.Containers)) {
		ch |= ChangedRelations
	}
	return ch
}

// sameDetails compares two Details by value; errors by their message.
// Interface counters are left out: they move with every packet, and a
// namespace whose only news is traffic has not changed.
func sameDetails(a, b Details) bool {
	aErr, bErr := a.Err, b.Err
	a.Err, b.Err = nil, nil
	if (aErr == nil) != (bErr == nil) || (aErr != nil && aErr.Error() != bErr.Error()) {
		return false
	}
	a.Net, b.Net = withoutStats(a.Net), withoutStats(b.Net)
	return reflect.DeepEqual(a, b)
}

// withoutStats returns a copy of n whose interfaces have no counters.
func withoutStats(n *NetInfo) *NetInfo {
	if n == nil {
		return nil
	}
	c := *n
	c.Interfaces = slices.Clone(n.Interfaces)
	for i := range c.Interfaces {
		c.Interfaces[i].Stats = nil
	}
	return &c
}
