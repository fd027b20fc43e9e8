package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

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

// scanCmd scans off the UI goroutine. The options are copied into the
// closure, so the scan shares nothing with the model.
func scanCmd(ctx context.Context, opts inspect.Options) tea.Cmd {
	return func() tea.Msg {
		start := time.Now()
		snap, err := inspect.Scan(ctx, opts)
		return scanDoneMsg{snap: snap, took: time.Since(start), err: err}
	}
}

// tickCmd schedules the next live rescan.
func tickCmd(interval time.Duration, gen int) tea.Cmd {
	return tea.Tick(interval, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// clockCmd schedules the next once-a-second redraw of the header.
func clockCmd() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return clockMsg(t) })
}
