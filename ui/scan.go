package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
	"golang.org/x/sys/unix"

	"github.com/nsdive/nsdive/inspect"
)

// scanOptions are what the explorer reads on every scan: everything but
// the per-process fd walk's threads, and without Lazy, so that every
// process has its complete ProcessKey for Diff and the selection.
func scanOptions() inspect.Options {
	opts := inspect.Everything()
	opts.Threads = false
	return opts
}

// scanCmd scans off the UI goroutine. The scanner is the model's only
// through this command, and the model never starts a scan while one runs,
// so it is never used by two goroutines at once.
func scanCmd(ctx context.Context, scanner *inspect.Rescanner) tea.Cmd {
	return func() tea.Msg {
		start, cpu := time.Now(), processCPU()
		snap, err := scanner.Scan(ctx)
		return scanDoneMsg{snap: snap, took: time.Since(start), cpu: processCPU() - cpu, err: err}
	}
}

// scanShare is the most of one core the live rescans may take, as a
// fraction 1/scanShare. A first scan reads every process's /proc files,
// about 50 µs of CPU each; a rescan takes from the last one every process
// that has not run since (inspect.Rescanner), about 20 µs each, so a host
// of 10,000 mostly idle processes costs ~0.23 s a rescan, within the
// share at the default interval. On a host larger or busier than that
// the pause after a scan grows instead, so that the explorer left open
// stays light.
const scanShare = 8

// nextScanIn is the pause before the next rescan after one that took
// took and cost cpu: the interval, or longer when scans that cost this
// much, that often, would take more than 1/scanShare of a core.
func nextScanIn(interval, took, cpu time.Duration) time.Duration {
	return max(interval, cpu*scanShare-took)
}

// processCPU is the CPU time the process has used, all threads.
func processCPU() time.Duration {
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// tickCmd schedules the next live rescan.
func tickCmd(interval time.Duration, gen int) tea.Cmd {
	return tea.Tick(interval, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// clockCmd schedules the next once-a-second redraw of the header.
func clockCmd() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return clockMsg(t) })
}
