package inspect

import (
	"errors"
	"strconv"

	"golang.org/x/sys/unix"
)

// readStatAt reads the stat file of the task under dirfd/prefix; nil when
// the task is gone.
func readStatAt(dirfd int, prefix string, buf *[]byte) *procStat {
	data, err := readRecordAt(dirfd, prefix+"stat", buf)
	if err != nil {
		return nil
	}
	st, err := parseStat(data)
	if err != nil {
		return nil
	}
	return &st
}

// readTask reads the namespace links and owner of the task under
// dirfd/prefix, with the fields of its stat st when it was read. ok is
// false when the task is gone; multiThreaded is true unless the task is
// the only thread of its process.
func (sc *scanner) readTask(w *scanWorker, dirfd int, prefix string, pid int, st *procStat) (p *Process, multiThreaded, ok bool) {
	p = &Process{PID: pid, TGID: pid, UID: -1}
	if st != nil {
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
		n, err := readlinkat(dirfd, path, w.buf)
		switch {
		case err == nil:
			if _, ino, err := parseNSLink(w.buf[:n]); err == nil {
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
	w.unreadableLinks += unreadable
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
		prefix := "task/" + name + "/"
		var st *procStat
		if leader.Has(FieldStat) {
			if st = readStatAt(dirfd, prefix, &w.buf); st == nil {
				continue
			}
		}
		t, _, ok := sc.readTask(w, dirfd, prefix, tid, st)
		if !ok || t.Namespaces == leader.Namespaces {
			continue
		}
		t.TGID = leader.PID
		t.NSpid = leader.NSpid
		t.Read |= leader.Read & FieldNSpid
		w.tasks = append(w.tasks, t)
	}
}
