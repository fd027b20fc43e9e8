package inspect

import (
	"bytes"
	"fmt"
	"strconv"
)

// schedStat is what /proc/PID/schedstat says of a task: how long it has
// run on a CPU and how many times it was put on one. Neither moves
// while the task sleeps, and a task cannot change its namespaces, its
// descriptors or its credentials without running (see reuse.go).
type schedStat struct {
	runNS  uint64 // time spent on a CPU, in nanoseconds
	slices uint64 // times the task was switched onto a CPU
}

// known reports whether the kernel keeps the statistics: without
// CONFIG_SCHED_INFO every task reads "0 0 0", and a task that has run
// has a nonzero count.
func (s schedStat) known() bool { return s.slices != 0 }

// parseSchedstat parses /proc/PID/schedstat: the time on a CPU, the time
// spent waiting for one and the count of times on one, in that order.
func parseSchedstat(data []byte) (schedStat, error) {
	fields := bytes.Fields(data)
	if len(fields) != 3 {
		return schedStat{}, fmt.Errorf("parse schedstat: %d fields in %q, want 3", len(fields), truncate(data, 64))
	}
	run, err := strconv.ParseUint(string(fields[0]), 10, 64)
	if err != nil {
		return schedStat{}, fmt.Errorf("parse schedstat: run time: %w", err)
	}
	slices, err := strconv.ParseUint(string(fields[2]), 10, 64)
	if err != nil {
		return schedStat{}, fmt.Errorf("parse schedstat: timeslices: %w", err)
	}
	return schedStat{runNS: run, slices: slices}, nil
}
