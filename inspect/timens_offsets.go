package inspect

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"time"
)

// readTimeDetails reads the clock offsets of time namespace ns. The kernel
// shows in /proc/PID/timens_offsets the offsets of the process's
// time_for_children namespace, not of its own: the two differ in a process
// that unshared a time namespace and has not forked since (the one it
// unshared may then have no member at all). So the file is read from a
// process whose time_for_children link is ns, as read just before and
// after the file: a member whose links agree, or a process holding ns for
// its children.
func readTimeDetails(snap *Snapshot, ns *Namespace) (*TimeOffsets, error) {
	var pids []int
	for _, p := range ns.Processes {
		if !p.IsThread() {
			pids = append(pids, p.PID)
		}
	}
	for _, h := range ns.Holders {
		if h.Kind == HeldForChildren {
			pids = append(pids, h.PID)
		}
	}
	err := fmt.Errorf("read time namespace %d: %w", ns.ID.Ino, errNoMember)
	for _, pid := range pids {
		link := filepath.Join(snap.ProcRoot, strconv.Itoa(pid), "ns", LinkTimeForChildren.Name())
		if statID(link) != ns.ID {
			continue
		}
		var off *TimeOffsets
		if off, err = readTimeOffsets(snap.ProcRoot, pid); err == nil && statID(link) == ns.ID {
			return off, nil
		}
	}
	return nil, err
}

// readTimeOffsets reads /proc/PID/timens_offsets under procRoot: the
// offsets of the process's time_for_children namespace (see
// readTimeDetails).
func readTimeOffsets(procRoot string, pid int) (*TimeOffsets, error) {
	return readParsed(filepath.Join(procRoot, strconv.Itoa(pid), "timens_offsets"), parseTimeOffsets)
}

// parseTimeOffsets parses timens_offsets: lines of "<clock> <secs>
// <nanosecs>". The clock is "monotonic" or "boottime", or its clock id (1
// or 7) as early kernels and writers put it; other clocks are skipped so a
// future kernel's additions do not fail a scan.
func parseTimeOffsets(data []byte) (*TimeOffsets, error) {
	var off TimeOffsets
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		clock, rest := nextField(line)
		if clock == nil {
			return nil, fmt.Errorf("parse timens_offsets line %d: empty", lineNo)
		}
		secField, rest := nextField(rest)
		nsecField, rest := nextField(rest)
		if extra, _ := nextField(rest); nsecField == nil || extra != nil {
			return nil, fmt.Errorf("parse timens_offsets line %d: want clock, seconds and nanoseconds", lineNo)
		}
		secs, err := strconv.ParseInt(string(secField), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("parse timens_offsets line %d: seconds: %w", lineNo, err)
		}
		nsecs, ok := decUint(nsecField, uint64(time.Second-1))
		if !ok {
			return nil, fmt.Errorf("parse timens_offsets line %d: nanoseconds %q not in [0, 1e9)", lineNo, truncateStatus(nsecField))
		}
		// A negative offset is whole seconds back plus nanoseconds
		// forward, as in a timespec.
		if secs > math.MaxInt64/int64(time.Second)-1 || secs < math.MinInt64/int64(time.Second) {
			return nil, fmt.Errorf("parse timens_offsets line %d: %d seconds overflow a duration", lineNo, secs)
		}
		d := time.Duration(secs)*time.Second + time.Duration(nsecs)
		switch string(clock) {
		case "monotonic", "1":
			off.Monotonic = d
		case "boottime", "7":
			off.Boottime = d
		}
	}
	return &off, nil
}
