package inspect

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"time"
)

// readTimeOffsets reads /proc/PID/timens_offsets under procRoot. The kernel
// shows the offsets of the process's time_for_children namespace, not of
// its own: the two differ only in a process that unshared a time namespace
// (unshare -T before it forks), so pid should be a member whose links agree.
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
