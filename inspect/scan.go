package inspect

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Options choose what a scan reads beyond every task's namespace links,
// parent, command name, state, start time and uid. Each costs time on a
// busy host, so a caller asks only for what it shows.
type Options struct {
	// ProcRoot is where procfs is mounted; "/proc" when empty.
	ProcRoot string
	// Cmdline reads every process's command line; without it, callers
	// read the few they show with Snapshot.ReadCmdline.
	Cmdline bool
	// Threads finds threads whose namespaces differ from their leader's.
	Threads bool
	// Cgroups reads the cgroup of every process outside the initial
	// namespaces and guesses its container.
	Cgroups bool
	// BindMounts finds namespaces held by nsfs bind mounts, reading the
	// mountinfo of every mount namespace for them.
	BindMounts bool
	// FDs finds namespaces held by open descriptors and by sockets.
	FDs bool
	// Mounts keeps the mount table of every mount namespace.
	Mounts bool
	// Hierarchy asks the kernel for parent and owner namespaces.
	Hierarchy bool
	// Details reads what is inside each namespace (see Details).
	Details bool
	// Workers is how many goroutines read /proc; GOMAXPROCS when zero.
	Workers int
}

// Everything returns options that read the whole snapshot.
func Everything() Options {
	return Options{Cmdline: true, Threads: true, Cgroups: true, BindMounts: true,
		FDs: true, Mounts: true, Hierarchy: true, Details: true}
}

// Scan reads /proc and returns a snapshot of the host's namespaces.
func Scan(opts Options) (*Snapshot, error) {
	if opts.ProcRoot == "" {
		opts.ProcRoot = "/proc"
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	sc, err := newScanner(opts)
	if err != nil {
		return nil, err
	}
	tasks, err := sc.scanTasks()
	if err != nil {
		return nil, err
	}
	snap := sc.assemble(tasks)
	if opts.BindMounts || opts.Mounts {
		sc.scanMounts(snap)
	}
	if opts.FDs {
		sc.scanFDs(snap)
	}
	if opts.Hierarchy {
		sc.scanHierarchy(snap)
	}
	if opts.Cgroups {
		attachContainers(snap)
	}
	if opts.Details {
		sc.scanDetails(snap)
	}
	snap.Unreadable.Links += int(sc.unreadableLinks.Load())
	snap.Unreadable.Other += int(sc.unreadableOther.Load())
	return snap, nil
}

// scanner holds what every step of one scan shares.
type scanner struct {
	opts     Options
	nsfsDev  uint64
	self     NamespaceSet // the scanner's own namespaces
	linkPath [NumLinks]string

	unreadableLinks atomic.Int64
	unreadableOther atomic.Int64
}

func newScanner(opts Options) (*scanner, error) {
	sc := &scanner{opts: opts}
	for l := Link(0); l < NumLinks; l++ {
		sc.linkPath[l] = "ns/" + l.Name()
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
		if n, err := unix.Readlink(opts.ProcRoot+"/self/"+sc.linkPath[l], buf[:]); err == nil {
			if _, ino, err := parseNSLink(buf[:n]); err == nil {
				sc.self[l] = NamespaceID{sc.nsfsDev, ino}
			}
		}
	}
	return sc, nil
}

// scanTasks reads every process in /proc with a pool of workers.
func (sc *scanner) scanTasks() ([]*Process, error) {
	dir, err := os.Open(sc.opts.ProcRoot)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", sc.opts.ProcRoot, err)
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", sc.opts.ProcRoot, err)
	}
	pids := make([]int, 0, len(names))
	for _, name := range names {
		if pid, err := strconv.Atoi(name); err == nil && pid > 0 {
			pids = append(pids, pid)
		}
	}
	results := make([][]*Process, sc.opts.Workers)
	bufs := make([][]byte, sc.opts.Workers)
	parallel(len(pids), sc.opts.Workers, func(worker, i int) {
		if bufs[worker] == nil {
			bufs[worker] = make([]byte, 4096)
		}
		results[worker] = sc.readProcess(results[worker], pids[i], bufs[worker])
	})
	var all []*Process
	for _, r := range results {
		all = append(all, r...)
	}
	return all, nil
}

// readProcess reads one process, and its threads where they differ, and
// appends them to out. All reads go through a descriptor of the process's
// /proc directory: if the pid is reused mid-read, the reads fail instead of
// mixing two processes.
func (sc *scanner) readProcess(out []*Process, pid int, buf []byte) []*Process {
	dirfd, err := unix.Open(sc.opts.ProcRoot+"/"+strconv.Itoa(pid), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return out
	}
	defer unix.Close(dirfd)
	p, numThreads, ok := sc.readTask(dirfd, "", pid, buf)
	if !ok {
		return out
	}
	p.TGID = pid
	if p.Namespaces[LinkPID] != sc.self[LinkPID] {
		sc.readStatus(dirfd, p, buf)
	}
	if sc.opts.Cgroups && p.Namespaces != sc.self {
		sc.readCgroup(dirfd, p, buf)
	}
	if sc.opts.Cmdline {
		p.Cmdline, _ = readCmdlineAt(dirfd, "cmdline", buf)
	}
	out = append(out, p)
	if sc.opts.Threads && numThreads > 1 && p.Namespaces != (NamespaceSet{}) {
		out = sc.readThreads(out, dirfd, p, buf)
	}
	return out
}

// readTask reads the stat file and namespace links of the task under
// dirfd/prefix. ok is false when the task is gone.
func (sc *scanner) readTask(dirfd int, prefix string, pid int, buf []byte) (p *Process, numThreads int, ok bool) {
	data, err := readFileAt(dirfd, prefix+"stat", buf)
	if err != nil {
		return nil, 0, false
	}
	st, err := parseStat(data)
	if err != nil {
		return nil, 0, false
	}
	p = &Process{PID: pid, TGID: pid, PPID: st.PPID, Comm: st.Comm, State: st.State, StartTime: st.StartTime, UID: -1}
	var fst unix.Stat_t
	if unix.Fstatat(dirfd, prefix, &fst, unix.AT_EMPTY_PATH) == nil {
		p.UID = int(fst.Uid)
	}
	for l := Link(0); l < NumLinks; l++ {
		n, err := unix.Readlinkat(dirfd, prefix+sc.linkPath[l], buf)
		switch {
		case err == nil:
			if _, ino, err := parseNSLink(buf[:n]); err == nil {
				p.Namespaces[l] = NamespaceID{sc.nsfsDev, ino}
			}
		case errors.Is(err, unix.ESRCH):
			return nil, 0, false
		case errors.Is(err, unix.ENOENT):
			// An older kernel without this namespace type, or a task
			// that just exited: the next read tells which.
		default:
			sc.unreadableLinks.Add(1)
		}
	}
	return p, st.NumThreads, true
}

// readThreads appends the threads of leader whose namespaces differ from
// the leader's.
func (sc *scanner) readThreads(out []*Process, dirfd int, leader *Process, buf []byte) []*Process {
	tids, err := readDirNamesAt(dirfd, "task")
	if err != nil {
		return out
	}
	for _, name := range tids {
		tid, err := strconv.Atoi(name)
		if err != nil || tid == leader.PID {
			continue
		}
		t, _, ok := sc.readTask(dirfd, "task/"+name+"/", tid, buf)
		if !ok || t.Namespaces == leader.Namespaces {
			continue
		}
		t.TGID = leader.PID
		t.NSpid = leader.NSpid
		out = append(out, t)
	}
	return out
}

// readStatus adds what only /proc/PID/status has: the pid in each nested
// pid namespace. It is read only for processes outside the scanner's pid
// namespace, where it says something the pid does not.
func (sc *scanner) readStatus(dirfd int, p *Process, buf []byte) {
	data, err := readFileAt(dirfd, "status", buf)
	if err != nil {
		return
	}
	if st, err := parseStatus(data); err == nil {
		p.NSpid = st.NSpid
	}
}

// readCgroup adds the process's cgroup and the container it suggests. It
// is read only for processes in some namespace of their own, as container
// processes always are.
func (sc *scanner) readCgroup(dirfd int, p *Process, buf []byte) {
	data, err := readFileAt(dirfd, "cgroup", buf)
	if err != nil {
		return
	}
	if path, err := parseCgroup(data); err == nil {
		p.Cgroup = path
		p.Container = containerFromCgroup(path)
	}
}

// readFileAt reads a /proc file relative to dirfd into buf, growing it if
// needed; the result aliases buf when it fits.
func readFileAt(dirfd int, name string, buf []byte) ([]byte, error) {
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	n := 0
	for {
		m, err := unix.Read(fd, buf[n:])
		if err != nil {
			return nil, err
		}
		if m == 0 {
			return buf[:n], nil
		}
		n += m
		if n == len(buf) {
			buf = append(buf, make([]byte, len(buf))...)
		}
	}
}

// readCmdlineAt reads a NUL-separated argument vector.
func readCmdlineAt(dirfd int, name string, buf []byte) ([]string, error) {
	data, err := readFileAt(dirfd, name, buf)
	if err != nil {
		return nil, err
	}
	args := []string{}
	for len(data) > 0 {
		end := 0
		for end < len(data) && data[end] != 0 {
			end++
		}
		args = append(args, string(data[:end]))
		if end == len(data) {
			break
		}
		data = data[end+1:]
	}
	return args, nil
}

// readDirNamesAt lists a directory relative to dirfd.
func readDirNamesAt(dirfd int, name string) ([]string, error) {
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	return f.Readdirnames(-1)
}

// ReadCmdline fills in p.Cmdline if the scan did not read it, checking the
// pid still belongs to the same process.
func (s *Snapshot) ReadCmdline(p *Process) error {
	if p.Cmdline != nil {
		return nil
	}
	dirfd, err := unix.Open(fmt.Sprintf("%s/%d", s.ProcRoot, p.TGID), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("read command line of %d: %w", p.PID, err)
	}
	defer unix.Close(dirfd)
	buf := make([]byte, 4096)
	data, err := readFileAt(dirfd, "stat", buf)
	if err != nil {
		return fmt.Errorf("read command line of %d: %w", p.PID, err)
	}
	if st, err := parseStat(data); err != nil || st.StartTime != p.StartTime {
		return fmt.Errorf("read command line of %d: %w", p.PID, fs.ErrNotExist)
	}
	args, err := readCmdlineAt(dirfd, "cmdline", buf)
	if err != nil {
		return fmt.Errorf("read command line of %d: %w", p.PID, err)
	}
	p.Cmdline = args
	return nil
}
