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

// Fill returns procs completed with what the scan left out: parent,
// command name, state, start time and NSpid under Options.Lazy, and the
// command line without Options.Cmdline. It reads them in parallel into
// copies and never changes the processes of the snapshot, which other
// goroutines may be reading: the result holds a filled copy where there
// was something to read, the same process otherwise, and one copy for a
// process that comes several times (it stands for several rows).
//
// A process that exited since the scan keeps only what the scan read, and
// so does one whose pid was reused: its start time differs from the
// scanned one, or, for a process scanned lazily, is later than the scan.
// A snapshot without a ProcRoot (see NewSnapshot) is not filled.
func (s *Snapshot) Fill(procs []*Process) []*Process {
	out := make([]*Process, len(procs))
	if s.ProcRoot == "" {
		copy(out, procs)
		return out
	}
	copies := make(map[*Process]*Process, len(procs))
	var todo []*Process
	for i, p := range procs {
		out[i] = p
		if p == nil || p.Has(FieldStat|FieldNSpid|FieldCmdline) {
			continue
		}
		c, ok := copies[p]
		if !ok {
			cp := *p
			c = &cp
			copies[p] = c
			todo = append(todo, c)
		}
		out[i] = c
	}
	workers := min(runtime.GOMAXPROCS(0), len(todo))
	bufs := make([][]byte, workers)
	parallel(len(todo), workers, func(worker, i int) {
		if bufs[worker] == nil {
			bufs[worker] = make([]byte, 4096)
		}
		s.fill(todo[i], &bufs[worker])
	})
	return out
}

// fill reads what p lacks into p, a copy no one else sees yet.
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
	if !p.Has(FieldStat) {
		if st.StartTime > s.scannedBy {
			return
		}
		p.PPID, p.Comm, p.State, p.StartTime = st.PPID, st.Comm, st.State, st.StartTime
		p.Read |= FieldStat
	} else if st.StartTime != p.StartTime {
		return
	}
	if !p.Has(FieldNSpid) {
		if p.Namespaces[LinkPID] == s.self[LinkPID] {
			p.Read |= FieldNSpid
		} else if data, err := readRecordAt(dirfd, "status", buf); err == nil {
			if status, err := parseStatus(data); err == nil {
				p.NSpid = status.NSpid
				p.Read |= FieldNSpid
			}
		}
	}
	if !p.Has(FieldCmdline) {
		if p.Cmdline, err = readCmdlineAt(dirfd, "cmdline", buf); err == nil {
			p.Read |= FieldCmdline
		}
	}
}
