package inspect

import "slices"

// assemble adds the scanned tasks to snap, grouped by namespace.
func (sc *scanner) assemble(snap *Snapshot, tasks []*Process) {
	slices.SortFunc(tasks, func(a, b *Process) int { return a.PID - b.PID })
	if len(snap.Processes) == 0 {
		snap.Processes = make(map[int]*Process, len(tasks))
	}
	// Size each namespace's member list first: the initial namespaces
	// have nearly every process, and growing their lists by appending
	// would leave as much garbage again.
	members := make(map[NamespaceID]int)
	for _, p := range tasks {
		for l := Link(0); l < NumLinks; l++ {
			if id := p.Namespaces[l]; !id.IsZero() && !l.ForChildren() {
				members[id]++
			}
		}
	}
	for _, p := range tasks {
		snap.Processes[p.PID] = p
		readable := false
		for l := Link(0); l < NumLinks; l++ {
			id := p.Namespaces[l]
			if id.IsZero() || l.ForChildren() {
				continue
			}
			ns := snap.namespace(id, l.Type())
			if ns.Type != l.Type() {
				// The kernel freed the namespace this number named
				// after an earlier process was read and gave the
				// number to a new one of another type (it hands out
				// the lowest free one). The link changed under the
				// scan, as a process that exits mid-read does: left
				// unread.
				p.Namespaces[l] = NamespaceID{}
				continue
			}
			readable = true
			if ns.Processes == nil {
				ns.Processes = make([]*Process, 0, members[id])
			}
			ns.Processes = append(ns.Processes, p)
		}
		if !readable && !p.IsThread() {
			snap.Unreadable.Processes++
		}
	}
	// A process that unshared a pid or time namespace without forking
	// holds it for its future children; until one exists, that link is
	// all that keeps the namespace alive.
	for _, p := range tasks {
		for _, l := range [...]Link{LinkPIDForChildren, LinkTimeForChildren} {
			id := p.Namespaces[l]
			if id.IsZero() || id == p.Namespaces.Of(l.Type()) {
				continue
			}
			ns := snap.namespace(id, l.Type())
			if ns.Type != l.Type() {
				p.Namespaces[l] = NamespaceID{} // reused, as above
				continue
			}
			ns.Holders = append(ns.Holders, Holder{Kind: HeldForChildren, PID: p.PID})
		}
	}
	snap.Initial, snap.InitialPID = snap.initialNamespaces(tasks, sc.nsfsDev)
}

// namespace returns the namespace with id, adding it if it is new.
func (s *Snapshot) namespace(id NamespaceID, t Type) *Namespace {
	ns := s.Namespaces[id]
	if ns == nil {
		ns = &Namespace{ID: id, Type: t, OwnerUID: -1, NetNSID: -1}
		s.Namespaces[id] = ns
	}
	return ns
}

// initialNamespaces finds the host's initial namespaces. The kernel gives
// them fixed inode numbers (see typeTable), which name them without
// reading any process: pid 1's links are unreadable even to root on some
// hosts, and pids 1 and 2 are unreadable to anyone else. Where a type's
// number is not fixed on every kernel (net, mnt), a process seen in the
// fixed-number namespace of either proves this kernel fixes both; failing that, pid 1
// or kthreadd (pid 2, a kernel thread and so always in the initial
// namespaces) says, and failing that the namespace stays unknown (zero)
// rather than guessed from some other process. It returns the pid read, 0
// when neither was. tasks are sorted by pid.
func (s *Snapshot) initialNamespaces(tasks []*Process, nsfsDev uint64) (NamespaceSet, int) {
	var first *Process
	for _, p := range tasks {
		if p.PID > 2 {
			break
		}
		readable := !p.Namespaces[LinkNet].IsZero()
		if readable && (p.PID == 1 || p.PPID == 0 && p.Comm == "kthreadd") {
			first = p
			break
		}
	}
	fixedID := func(t Type) NamespaceID { return NamespaceID{Dev: nsfsDev, Ino: typeTable[t].initialIno} }
	// The kernel that fixed the numbers of net and mnt fixed both at once.
	_, netFixed := s.Namespaces[fixedID(Net)]
	_, mntFixed := s.Namespaces[fixedID(Mnt)]
	var set NamespaceSet
	for l := Link(0); l < NumLinks; l++ {
		t := l.Type()
		switch {
		case typeTable[t].alwaysFixed || netFixed || mntFixed:
			set[l] = fixedID(t)
		case first != nil:
			set[l] = first.Namespaces[LinkOf(t)]
		}
	}
	if first == nil {
		return set, 0
	}
	return set, first.PID
}

// UnknownInitial lists the types whose initial namespace the scan could
// not tell (see initialNamespaces); callers mark nothing of those types as
// "not initial" and should say so.
func (s *Snapshot) UnknownInitial() []Type {
	var out []Type
	for _, t := range Types {
		if s.Initial.Of(t).IsZero() {
			out = append(out, t)
		}
	}
	return out
}

// IsInitial reports whether ns is one of the host's initial namespaces.
func (s *Snapshot) IsInitial(ns *Namespace) bool {
	return !ns.ID.IsZero() && s.Initial.Of(ns.Type) == ns.ID
}

// DiffersFromInitial lists the links of p that point outside the initial
// namespaces.
func (s *Snapshot) DiffersFromInitial(p *Process) []Link {
	var out []Link
	for l := Link(0); l < NumLinks; l++ {
		id := p.Namespaces[l]
		if !id.IsZero() && !s.Initial[l].IsZero() && id != s.Initial[l] {
			out = append(out, l)
		}
	}
	return out
}

// attachContainers names the containers whose processes are in each
// namespace: Containers lists them all, Container is set when there is one.
func attachContainers(snap *Snapshot) {
	for _, ns := range snap.Namespaces {
		if snap.IsInitial(ns) {
			continue
		}
		var found []*Container
		for _, p := range ns.Processes {
			if p.Container != nil && !slices.ContainsFunc(found, p.Container.same) {
				found = append(found, p.Container)
			}
		}
		slices.SortFunc(found, compareContainers)
		ns.Containers = found
		if len(found) == 1 {
			ns.Container = found[0]
		}
	}
}
