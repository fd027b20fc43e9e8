package inspect

import (
	"context"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"
)

// A rescan reads every process's /proc files again, about 25 system calls
// a process, although on a host of thousands of processes nearly all of
// them have slept since the last scan. What the scan reads of a process
// changes only by the process's own doing: a task's namespace links by
// its own setns, unshare or exit; its credentials by its own setuid or
// execve; its descriptor table and its command line (its own memory) by
// its own threads. None of that can happen without running, and a task
// that has not been put on a CPU has the same /proc/PID/schedstat: the
// same time run and the same count of times switched in.
//
// So a Rescanner reads a process's schedstat first and, when it is the
// same task as in the last scan (the same inode of its /proc directory,
// which a new process with a reused pid does not get), single-threaded
// then (a leader's statistics are not its other threads'), and its
// statistics have not moved since that scan read it in full, it takes
// the process from that scan: its links, owner, stat fields, NSpid,
// command line and descriptor holds. Only what others can change under a
// sleeping process is read again: its cgroup, its mount namespace's
// table, and its parent when the parent it had is gone (an orphan is
// reparented without running). The statistics are read before
// everything else, so that a change made after they were read shows in
// the next scan.
//
// What is not covered: a process that shares its descriptor table or its
// memory with another process without being its thread (clone with
// CLONE_FILES or CLONE_VM but not CLONE_THREAD, which only old thread
// libraries do), and a debugger writing into a stopped process's memory.
// A kernel without CONFIG_SCHED_INFO reads "0 0 0" for every task: then
// nothing is reused.

// Rescanner scans again and again with the same options, taking from its
// last scan each process that cannot have changed since (see above). A
// long-running program such as the explorer uses it; its Scan must not
// be called from two goroutines at once.
type Rescanner struct {
	opts Options
	last *reuseTable
	// reused is how many processes the last scan took from the one
	// before.
	reused int
}

// NewRescanner returns a Rescanner for opts; its first scan reads
// everything, as Scan does.
func NewRescanner(opts Options) *Rescanner {
	return &Rescanner{opts: opts, last: &reuseTable{}}
}

// Scan scans as Scan(ctx, opts) does. When it fails, the next scan still
// reuses what the last one that succeeded read.
func (r *Rescanner) Scan(ctx context.Context) (*Snapshot, error) {
	snap, next, err := scan(ctx, r.opts, r.last)
	if err != nil {
		return nil, err
	}
	r.last, r.reused = next, next.reused
	return snap, nil
}

// reuseTable is what one scan leaves for the next: a record of each
// process it can vouch for, and the network namespace of each socket it
// resolved.
type reuseTable struct {
	records    map[int]*processRecord
	sockets    map[uint64]NamespaceID
	namespaces map[NamespaceID]namespaceFacts
	reused     int
}

// namespaceFacts is what never changes in a namespace once the kernel
// has told it: where it sits in the hierarchy and, once assigned, its
// netnsid.
type namespaceFacts struct {
	typ           Type
	serial        uint64
	owner, parent NamespaceID
	ownerUID      int
	netnsid       int
}

// taskMark is what tells whether a task is the one a record was made of,
// untouched since: the inode of its /proc directory and its scheduler
// statistics.
type taskMark struct {
	dirIno uint64
	ran    schedStat
}

// readTaskMark reads the mark of the task whose /proc directory is dirfd;
// the zero mark, which matches no record, when it cannot.
func readTaskMark(dirfd int, buf *[]byte) taskMark {
	var st unix.Stat_t
	if unix.Fstat(dirfd, &st) != nil {
		return taskMark{}
	}
	data, err := readRecordAt(dirfd, "schedstat", buf)
	if err != nil {
		return taskMark{}
	}
	ran, err := parseSchedstat(data)
	if err != nil || !ran.known() {
		return taskMark{}
	}
	return taskMark{dirIno: st.Ino, ran: ran}
}

// processRecord is a process as a scan read it in full, with the mark
// read before it.
type processRecord struct {
	mark taskMark
	// proc is the process as read, without its cgroup and container,
	// which are read again each time.
	proc    Process
	holds   []fdHold
	sockets []socketFD
}

// pendingRecord is a process a worker read, waiting to become a record
// once the scan has assembled the snapshot: a link that the assembly
// found contradicted (an inode reused by a namespace of another type)
// leaves the process unrecorded.
type pendingRecord struct {
	p       *Process
	links   NamespaceSet
	rec     *processRecord
	carried bool // taken from the last scan, not read
}

// recordable reports whether a process read in full with stat st and mark
// may be recorded: one thread, not running and not dead, with a mark.
func recordable(st *procStat, mark taskMark) bool {
	if st == nil || st.Threads != 1 || mark == (taskMark{}) {
		return false
	}
	switch st.State {
	case 'S', 'D', 'I', 'T', 't':
		return true
	}
	return false
}

// previous returns the last scan's record of pid when the task is still
// the one it recorded, untouched.
func (sc *scanner) previous(pid int, mark taskMark) *processRecord {
	if sc.last == nil || mark == (taskMark{}) {
		return nil
	}
	if rec := sc.last.records[pid]; rec != nil && rec.mark == mark {
		return rec
	}
	return nil
}

// carry adds to w the process of rec, with what others can change read
// again through dirfd: the cgroup, and the visits of the sources that
// cannot carry what they found (a mount table changes whoever runs).
func (sc *scanner) carry(w *scanWorker, dirfd int, rec *processRecord) {
	p := new(Process)
	*p = rec.proc
	if sc.opts.Cgroups && p.Namespaces != sc.self {
		sc.readCgroup(dirfd, p, &w.buf)
	}
	for _, src := range sc.srcs {
		switch {
		case src.carry != nil:
			src.carry(sc, w, rec)
		case src.visit != nil:
			src.visit(sc, w, dirfd, p)
		}
	}
	w.tasks = append(w.tasks, p)
	w.pending = append(w.pending, pendingRecord{p: p, links: p.Namespaces, rec: rec, carried: true})
	w.reused++
}

// remember keeps for the next scan a process read in full: holds and
// sockets are what its descriptors held (the visits' findings from
// index h and s on).
func (sc *scanner) remember(w *scanWorker, p *Process, st *procStat, mark taskMark, h, s int) {
	if sc.last == nil || !recordable(st, mark) {
		return
	}
	rec := &processRecord{
		mark:    mark,
		holds:   slices.Clone(w.fds.holds[h:]),
		sockets: slices.Clone(w.fds.sockets[s:]),
	}
	w.pending = append(w.pending, pendingRecord{p: p, links: p.Namespaces, rec: rec})
}

// reparent reads again the stat of each process taken from the last scan
// whose parent has gone since: the kernel gave it a new parent without
// its running. A parent with the same pid is another process when it
// started after its child did (or in the same clock tick, to be safe).
func (sc *scanner) reparent(tasks []*Process) {
	if sc.last == nil {
		return
	}
	started := make(map[int]uint64, len(tasks))
	for _, p := range tasks {
		started[p.PID] = p.StartTime
	}
	var buf []byte
	for i := range sc.workers {
		for _, pr := range sc.workers[i].pending {
			p := pr.p
			if !pr.carried || p.PPID == 0 {
				continue // read in full, or a child of the kernel
			}
			if start, ok := started[p.PPID]; ok && start < p.StartTime {
				continue
			}
			if buf == nil {
				buf = make([]byte, 4096)
			}
			data, err := readFileAt(unix.AT_FDCWD, sc.opts.ProcRoot+"/"+strconv.Itoa(p.PID)+"/stat", &buf)
			if err != nil {
				continue
			}
			if st, err := parseStat(data); err == nil && st.StartTime == p.StartTime {
				p.PPID, p.State = st.PPID, st.State
			}
		}
	}
}

// keepRecords turns the workers' pending records into the table the next
// scan reuses, once assemble has checked every link.
func (sc *scanner) keepRecords() {
	if sc.last == nil {
		return
	}
	next := &reuseTable{records: make(map[int]*processRecord)}
	sc.pinned = make(map[NamespaceID]bool)
	for i := range sc.workers {
		w := &sc.workers[i]
		next.reused += w.reused
		for _, pr := range w.pending {
			if pr.p.Namespaces != pr.links {
				continue
			}
			rec := pr.rec
			if pr.carried {
				for _, id := range pr.links {
					sc.pinned[id] = true
				}
				for _, h := range rec.holds {
					sc.pinned[h.id] = true
				}
			}
			if !pr.carried || rec.proc.PPID != pr.p.PPID {
				if pr.carried {
					copied := *rec // reparented: a record of its own
					rec = &copied
				}
				rec.proc = *pr.p
				rec.proc.Cgroup, rec.proc.Container = "", nil
				rec.proc.Read &^= FieldCgroup
			}
			next.records[pr.p.PID] = rec
		}
	}
	sc.next = next
}

// carryFDs adds what the descriptors of rec's process held, its sockets
// with the network namespaces the last scan found for them: the
// descriptor table has not changed, so neither have its sockets.
func (sc *scanner) carryFDs(w *scanWorker, rec *processRecord) {
	w.fds.holds = append(w.fds.holds, rec.holds...)
	for _, s := range rec.sockets {
		s.net = sc.last.sockets[s.ino]
		w.fds.sockets = append(w.fds.sockets, s)
	}
}

// keepFacts adds to the table for the next scan what the hierarchy and
// netnsid steps learnt of each namespace; only what was read is kept.
func (sc *scanner) keepFacts(snap *Snapshot) {
	if sc.next == nil {
		return
	}
	sc.next.namespaces = make(map[NamespaceID]namespaceFacts, len(snap.Namespaces))
	for id, ns := range snap.Namespaces {
		if ns.Serial == 0 && ns.NetNSID < 0 {
			continue
		}
		sc.next.namespaces[id] = namespaceFacts{typ: ns.Type, serial: ns.Serial, owner: ns.Owner,
			parent: ns.Parent, ownerUID: ns.OwnerUID, netnsid: ns.NetNSID}
	}
}

// pinnedFacts returns the last scan's facts of ns when ns is the namespace
// that scan saw: a process taken from it is in ns or holds it by a
// descriptor, so the namespace has lived on since.
func (sc *scanner) pinnedFacts(ns *Namespace) (namespaceFacts, bool) {
	if sc.last == nil || !sc.pinned[ns.ID] {
		return namespaceFacts{}, false
	}
	f, ok := sc.last.namespaces[ns.ID]
	return f, ok && f.typ == ns.Type
}

// carryHierarchy fills in ns's serial, owner and parent from the last scan
// when ns is pinned (see pinnedFacts), adding its owner and parent, which
// it pins in turn, with theirs. It reports false, having changed nothing,
// when the last scan did not learn all of that.
func (sc *scanner) carryHierarchy(snap *Snapshot, ns *Namespace) bool {
	f, ok := sc.pinnedFacts(ns)
	if !ok || f.serial == 0 || !sc.knownUpwards(f) {
		return false
	}
	sc.applyHierarchy(snap, ns, f)
	return true
}

// knownUpwards reports whether the last scan learnt the hierarchy of every
// ancestor of a namespace with facts f.
func (sc *scanner) knownUpwards(f namespaceFacts) bool {
	for _, id := range [...]NamespaceID{f.owner, f.parent} {
		if id.IsZero() {
			continue
		}
		up, ok := sc.last.namespaces[id]
		if !ok || up.serial == 0 || !sc.knownUpwards(up) {
			return false
		}
	}
	return true
}

// applyHierarchy sets ns's hierarchy from f, adding the ancestors the
// snapshot does not have yet with theirs.
func (sc *scanner) applyHierarchy(snap *Snapshot, ns *Namespace, f namespaceFacts) {
	ns.Serial, ns.OwnerUID, ns.Owner, ns.Parent = f.serial, f.ownerUID, f.owner, f.parent
	for _, id := range [...]NamespaceID{f.owner, f.parent} {
		if id.IsZero() || snap.Namespaces[id] != nil {
			continue
		}
		up := sc.last.namespaces[id]
		sc.applyHierarchy(snap, snap.namespace(id, up.typ), up)
	}
}
