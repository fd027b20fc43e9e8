package inspect

import (
	"context"
	"errors"
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
		return nil, err
	}
	snap := &Snapshot{
		Taken:      time.Now(),
		ProcRoot:   opts.ProcRoot,
		Processes:  make(map[int]*Process),
		Namespaces: make(map[NamespaceID]*Namespace),
		self:       sc.self,
	}
	for _, src := range sc.srcs {
		if err := src.find(sc, snap); err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
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
			return nil, err
		}
		snap.Parts |= step.part
	}
	snap.DetailTypes = opts.Details
	sortHolders(snap)
	snap.Unreadable.Links += int(sc.unreadableLinks.Load())
	snap.Unreadable.Other += int(sc.unreadableOther.Load())
	return snap, nil
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
}

// findProcesses is the source of namespaces that tasks are in: it reads
// every process in /proc with a pool of workers, and lets the other
// sources visit each process while its /proc directory is open.
func (sc *scanner) findProcesses(snap *Snapshot) error {
	dir, err := os.Open(sc.opts.ProcRoot)
	if err != nil {
		return fmt.Errorf("open %s: %w", sc.opts.ProcRoot, err)
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
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
		sc.readProcess(w, pids[i])
	})
	all := make([]*Process, 0, len(pids))
	for _, w := range sc.workers {
		all = append(all, w.tasks...)
	}
	sc.assemble(snap, all)
	snap.scannedBy = bootTicks()
	return nil
}

// readProcess reads one process, and its threads where they differ, into
// w. All reads go through a descriptor of the process's /proc directory:
// if the pid is reused mid-read, the reads fail instead of mixing two
// processes.
func (sc *scanner) readProcess(w *scanWorker, pid int) {
	dirfd, err := unix.Open(sc.opts.ProcRoot+"/"+strconv.Itoa(pid), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(dirfd)
	full := !sc.opts.Lazy || pid <= 2
	p, multiThreaded, ok := sc.readTask(dirfd, "", pid, full, &w.buf)
	if !ok {
		return
	}
	if full && (p.Namespaces[LinkPID] == sc.self[LinkPID] || sc.readStatus(dirfd, p, &w.buf)) {
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
}

// readTask reads the namespace links and owner of the task under
// dirfd/prefix, and with full its stat file. ok is false when the task is
// gone; multiThreaded is true unless the task is the only thread of its
// process.
func (sc *scanner) readTask(dirfd int, prefix string, pid int, full bool, buf *[]byte) (p *Process, multiThreaded, ok bool) {
	p = &Process{PID: pid, TGID: pid, UID: -1}
	if full {
		data, err := readRecordAt(dirfd, prefix+"stat", buf)
		if err != nil {
			return nil, false, false
		}
		st, err := parseStat(data)
		if err != nil {
			return nil, false, false
		}
		p.PPID, p.Comm, p.State, p.StartTime = st.PPID, st.Comm, st.State, st.StartTime
		p.Read |= FieldStat
	}
	// The owner of a process's task directory is the owner of the
	// process, and its link count is two plus the number of threads.
	// A thread's own directory tells the owner; it has no threads.
	var fst unix.Stat_t
	dir := "task"
	if prefix != "" {
		dir = prefix
	}
	if unix.Fstatat(dirfd, dir, &fst, 0) == nil {
		p.UID = int(fst.Uid)
		multiThreaded = prefix == "" && fst.Nlink != 3
	}
	missing, unreadable := 0, 0
	for _, l := range sc.links {
		path := sc.linkPath[l]
		if prefix != "" {
			path = append([]byte(prefix), path...)
		}
		n, err := readlinkat(dirfd, path, *buf)
		switch {
		case err == nil:
			if _, ino, err := parseNSLink((*buf)[:n]); err == nil {
				p.Namespaces[l] = NamespaceID{sc.nsfsDev, ino}
			}
		case errors.Is(err, unix.ESRCH):
			return nil, false, false
		case errors.Is(err, unix.ENOENT):
			// An older kernel without this namespace type, or a task
			// that exited (a zombie has no namespaces).
			missing++
		default:
			unreadable++
		}
	}
	if missing == len(sc.links) {
		return nil, false, false
	}
	sc.unreadableLinks.Add(int64(unreadable))
	return p, multiThreaded, true
}

// readThreads adds to w the threads of leader whose namespaces differ from
// the leader's.
func (sc *scanner) readThreads(w *scanWorker, dirfd int, leader *Process) {
	tids, err := readDirNamesAt(dirfd, "task")
	if err != nil {
		return
	}
	for _, name := range tids {
		tid, err := strconv.Atoi(name)
		if err != nil || tid == leader.PID {
			continue
		}
		t, _, ok := sc.readTask(dirfd, "task/"+name+"/", tid, leader.Has(FieldStat), &w.buf)
		if !ok || t.Namespaces == leader.Namespaces {
			continue
		}
		t.TGID = leader.PID
		t.NSpid = leader.NSpid
		t.Read |= leader.Read & FieldNSpid
		w.tasks = append(w.tasks, t)
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
