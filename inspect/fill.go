package inspect

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// userHZ is the unit of start times in /proc/PID/stat (USER_HZ), 100 on
// every architecture Go supports on Linux.
const userHZ = 100

// bootTicks returns the time since boot in the unit of stat's start times.
// The kernel adds the reader's time namespace offset to both.
func bootTicks() uint64 {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts) != nil {
		return 0
	}
	return uint64(ts.Nano()) / (1e9 / userHZ)
}

// Fill reads, in parallel, what the scan left out for procs: parent,
// command name, state, start time and NSpid under Options.Lazy, and the
// command line without Options.Cmdline. A process that exited since the
// scan keeps only what the scan read, and so does one whose pid was reused:
// its start time differs from the scanned one, or, for a process scanned
// lazily, is later than the scan. A snapshot without a ProcRoot (see
// NewSnapshot) is not filled.
func (s *Snapshot) Fill(procs []*Process) {
	if s.ProcRoot == "" {
		return
	}
	// A process stands for several namespaces, so it may come more than
	// once; each is filled by one worker.
	var todo []*Process
	seen := make(map[*Process]bool, len(procs))
	for _, p := range procs {
		if p != nil && !seen[p] && (p.lazy || p.Cmdline == nil) {
			seen[p] = true
			todo = append(todo, p)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(todo))
	bufs := make([][]byte, workers)
	parallel(len(todo), workers, func(worker, i int) {
		if bufs[worker] == nil {
			bufs[worker] = make([]byte, 4096)
		}
		s.fill(todo[i], &bufs[worker])
	})
}

func (s *Snapshot) fill(p *Process, buf *[]byte) {
	dirfd, err := unix.Open(taskPath(s.ProcRoot, p, "."), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(dirfd)
	data, err := readRecordAt(dirfd, "stat", buf)
	if err != nil {
		return
	}
	st, err := parseStat(data)
	if err != nil {
		return
	}
	if p.lazy {
		if st.StartTime > s.scannedBy {
			return
		}
		p.PPID, p.Comm, p.State, p.StartTime = st.PPID, st.Comm, st.State, st.StartTime
		if p.Namespaces[LinkPID] != s.self[LinkPID] {
			if data, err := readRecordAt(dirfd, "status", buf); err == nil {
				if status, err := parseStatus(data); err == nil {
					p.NSpid = status.NSpid
				}
			}
		}
		p.lazy = false
	} else if st.StartTime != p.StartTime {
		return
	}
	if p.Cmdline == nil {
		p.Cmdline, _ = readCmdlineAt(dirfd, "cmdline", buf)
	}
}
