package inspect

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Scan reads /proc and returns a snapshot of the host's namespaces. It
// stops early and returns ctx.Err() when ctx is cancelled: between its
// steps, between processes and between namespaces.
func Scan(ctx context.Context, opts Options) (*Snapshot, error) {
	snap, _, err := scan(ctx, opts, nil)
	return snap, err
}

// scan is Scan, taking processes from the records of last where they
// still hold and returning the records the next scan may take (none when
// last is nil: a scan made once keeps nothing).
func scan(ctx context.Context, opts Options, last *reuseTable) (*Snapshot, *reuseTable, error) {
	if opts.ProcRoot == "" {
		opts.ProcRoot = "/proc"
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Details.Has(Time) {
		opts.ForChildren = true
	}
	sc, err := newScanner(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	sc.last = last
	snap := &Snapshot{
		Taken:      time.Now(),
		ProcRoot:   opts.ProcRoot,
		Processes:  make(map[int]*Process),
		Namespaces: make(map[NamespaceID]*Namespace),
		self:       sc.self,
	}
	for _, src := range sc.srcs {
		if err := src.find(sc, snap); err != nil {
			return nil, nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
	}
	snap.opts = opts
	for _, part := range []struct {
		on   bool
		part Part
	}{
		{opts.BindMounts || opts.Mounts, PartMountHolders},
		{opts.FDs, PartFDHolders},
		{opts.ForChildren, PartForChildren},
	} {
		if part.on {
			snap.Parts |= part.part
		}
	}
	steps := []struct {
		on   bool
		part Part
		run  func()
	}{
		{opts.Hierarchy, PartHierarchy, func() { sc.scanHierarchy(snap) }},
		{opts.Cgroups, PartContainers, func() { nameContainers(snap); attachContainers(snap) }},
		{opts.Details != 0, 0, func() { sc.scanDetails(snap) }},
		{opts.NetNSID, PartNetNSID, func() { sc.scanNetNSIDs(snap) }},
	}
	for _, step := range steps {
		if !step.on {
			continue
		}
		step.run()
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		snap.Parts |= step.part
	}
	snap.DetailTypes = opts.Details
	sortHolders(snap)
	sc.keepFacts(snap)
	snap.Unreadable.Links += int(sc.unreadableLinks.Load())
	snap.Unreadable.Other += int(sc.unreadableOther.Load())
	for _, w := range sc.workers {
		snap.Unreadable.Links += w.unreadableLinks
		snap.Unreadable.Other += w.unreadableOther
	}
	return snap, sc.next, nil
}

// scanner holds what every step of one scan shares.
type scanner struct {
	ctx      context.Context
	opts     Options
	nsfsDev  uint64
	self     NamespaceSet     // the scanner's own namespaces
	links    []Link           // the links each task is read for
	linkPath [NumLinks][]byte // "ns/NAME" and a NUL, for readlinkat
	// mountNS holds the mount namespaces whose table a worker has taken
	// on, so that each table is read once.
	mountNS sync.Map
	srcs    []source
	// workers hold what the process pass's workers read, for the sources
	// that visited every process.
	workers []scanWorker
	// last holds the records of the scan before, next those of this one
	// (see reuse.go); both nil for a scan made once.
	last, next *reuseTable
	// pinned are the namespaces that processes taken from the last scan
	// are in or hold: the same namespaces as then.
	pinned map[NamespaceID]bool

	unreadableLinks atomic.Int64
	unreadableOther atomic.Int64
}

func newScanner(ctx context.Context, opts Options) (*scanner, error) {
	sc := &scanner{ctx: ctx, opts: opts}
	sc.srcs = sc.sources()
	for l := Link(0); l < NumLinks; l++ {
		sc.linkPath[l] = []byte("ns/" + l.Name() + "\x00")
		if opts.ForChildren || !l.ForChildren() {
			sc.links = append(sc.links, l)
		}
	}
	if _, err := os.Stat(opts.ProcRoot); err != nil {
		return nil, fmt.Errorf("open proc root: %w", err)
	}
	// Every namespace file lives on the one nsfs device; stat one link to
	// learn it, so IDs carry it without a stat per link.
	var st unix.Stat_t
	if err := unix.Stat(opts.ProcRoot+"/self/ns/net", &st); err == nil {
		sc.nsfsDev = st.Dev
	}
	var buf [64]byte
	for l := Link(0); l < NumLinks; l++ {
		if n, err := unix.Readlink(opts.ProcRoot+"/self/ns/"+l.Name(), buf[:]); err == nil {
			if _, ino, err := parseNSLink(buf[:n]); err == nil {
				sc.self[l] = NamespaceID{sc.nsfsDev, ino}
			}
		}
	}
	return sc, nil
}

// scanWorker is what one goroutine of a scan reads into.
type scanWorker struct {
	buf    []byte
	tasks  []*Process
	tables map[NamespaceID][]Mount
	fds    fdWorker
	// pending are the processes to record for the next scan, reused how
	// many were taken from the last.
	pending []pendingRecord
	reused  int
	// What the worker could not read, counted apart so that a process
	// read with a gap is not recorded.
	unreadableLinks, unreadableOther int
}

// findProcesses is the source of namespaces that tasks are in: it reads
// every process in /proc with a pool of workers, and lets the other
// sources visit each process while its /proc directory is open.
func (sc *scanner) findProcesses(snap *Snapshot) error {
	dir, err := os.Open(sc.opts.ProcRoot)
	if err != nil {
		return fmt.Errorf("open %s: %w", sc.opts.ProcRoot, err)
	}
	defer dir.Close()
	// Each process's directory is opened relative to this one: a path
	// walk from / for each would cost more.
	procfd := int(dir.Fd())
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return fmt.Errorf("list %s: %w", sc.opts.ProcRoot, err)
	}
	pids := make([]int, 0, len(names))
	for _, name := range names {
		if pid, err := strconv.Atoi(name); err == nil && pid > 0 {
			pids = append(pids, pid)
		}
	}
	sc.workers = make([]scanWorker, sc.opts.Workers)
	parallel(len(pids), sc.opts.Workers, func(worker, i int) {
		w := &sc.workers[worker]
		if sc.ctx.Err() != nil {
			return
		}
		if w.buf == nil {
			w.buf = make([]byte, 4096)
		}
		sc.readProcess(w, procfd, pids[i])
	})
	all := make([]*Process, 0, len(pids))
	for _, w := range sc.workers {
		all = append(all, w.tasks...)
	}
	sc.reparent(all)
	sc.assemble(snap, all)
	sc.keepRecords()
	snap.scannedBy = bootTicks()
	return nil
}

// readProcess reads one process, and its threads where they differ, into
// w; procfd is the proc root, open. All reads go through a descriptor of the process's /proc directory:
// if the pid is reused mid-read, the reads fail instead of mixing two
// processes. A process that has not run since the last scan is taken
// from it (see reuse.go).
func (sc *scanner) readProcess(w *scanWorker, procfd, pid int) {
	dirfd, err := unix.Openat(procfd, strconv.Itoa(pid), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(dirfd)
	full := !sc.opts.Lazy || pid <= 2
	var mark taskMark
	if full && sc.last != nil {
		mark = readTaskMark(dirfd, &w.buf)
		if rec := sc.previous(pid, mark); rec != nil {
			sc.carry(w, dirfd, rec)
			return
		}
	}
	var st *procStat
	if full {
		if st = readStatAt(dirfd, "", &w.buf); st == nil {
			return
		}
	}
	gaps, holds, sockets := w.unreadableLinks+w.unreadableOther, len(w.fds.holds), len(w.fds.sockets)
	p, multiThreaded, ok := sc.readTask(w, dirfd, "", pid, st)
	if !ok {
		return
	}
	if st != nil && (p.Namespaces[LinkPID] == sc.self[LinkPID] || sc.readStatus(dirfd, p, &w.buf)) {
		p.Read |= FieldNSpid
	}
	if sc.opts.Cgroups && p.Namespaces != sc.self {
		sc.readCgroup(dirfd, p, &w.buf)
	}
	if sc.opts.Cmdline {
		var err error
		if p.Cmdline, err = readCmdlineAt(dirfd, "cmdline", &w.buf); err == nil {
			p.Read |= FieldCmdline
		}
	}
	for _, src := range sc.srcs {
		if src.visit != nil {
			src.visit(sc, w, dirfd, p)
		}
	}
	w.tasks = append(w.tasks, p)
	if sc.opts.Threads && multiThreaded && p.Namespaces != (NamespaceSet{}) {
		sc.readThreads(w, dirfd, p)
	}
	if w.unreadableLinks+w.unreadableOther == gaps && !multiThreaded {
		sc.remember(w, p, st, mark, holds, sockets)
	}
}

// visitMountTable reads the mount table of p's mount namespace through
// dirfd, unless another worker has it already. Without Options.Mounts only
// the nsfs mounts are kept: they are all bind-mount holders need. A table
// that cannot be read here is left for the next process in mnt, or for
// findBindMounts.
func (sc *scanner) visitMountTable(w *scanWorker, dirfd int, p *Process) {
	mnt := p.Namespaces[LinkMnt]
	if mnt.IsZero() {
		return
	}
	if _, taken := sc.mountNS.LoadOrStore(mnt, true); taken {
		return
	}
	data, err := readFileAt(dirfd, "mountinfo", &w.buf)
	var mounts []Mount
	if err == nil {
		if sc.opts.Mounts {
			mounts, err = parseMountinfo(data)
		} else {
			mounts, err = parseNSFSMounts(data)
		}
	}
	if err != nil {
		sc.mountNS.Delete(mnt)
		return
	}
	if w.tables == nil {
		w.tables = make(map[NamespaceID][]Mount)
	}
	w.tables[mnt] = mounts
}

// readStatus adds what only /proc/PID/status has: the pid in each nested
// pid namespace. It is read only for processes outside the scanner's pid
// namespace, where it says something the pid does not.
func (sc *scanner) readStatus(dirfd int, p *Process, buf *[]byte) bool {
	data, err := readRecordAt(dirfd, "status", buf)
	if err != nil {
		return false
	}
	st, err := parseStatus(data)
	if err != nil {
		return false
	}
	p.NSpid = st.NSpid
	return true
}

// readCgroup adds the process's cgroup and the container it suggests. It
// is read only for processes in some namespace of their own, as container
// processes always are.
func (sc *scanner) readCgroup(dirfd int, p *Process, buf *[]byte) {
	data, err := readRecordAt(dirfd, "cgroup", buf)
	if err != nil {
		return
	}
	if path, err := parseCgroup(data); err == nil {
		p.Cgroup = path
		p.Container = containerFromCgroup(path)
		p.Read |= FieldCgroup
	}
}

// readlinkat is unix.Readlinkat for a NUL-terminated path, which saves the
// allocation unix.Readlinkat makes for the C string: a scan reads ten
// links per process.
func readlinkat(dirfd int, path, buf []byte) (int, error) {
	n, _, errno := unix.Syscall6(unix.SYS_READLINKAT, uintptr(dirfd), uintptr(unsafe.Pointer(&path[0])),
		uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
