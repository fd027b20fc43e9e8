package ui

import (
	"time"

	"github.com/nsdive/nsdive/inspect"
)

// scanDoneMsg carries a finished scan.
type scanDoneMsg struct {
	snap *inspect.Snapshot
	took time.Duration // wall time
	cpu  time.Duration // the process's CPU time meanwhile
	err  error
}

// tickMsg says the next live rescan is due; gen tells a tick scheduled
// before a rescan-now, which is then stale, from the current one.
type tickMsg struct{ gen int }

// clockMsg redraws the header's scan age and ends highlights, once a second.
type clockMsg time.Time

// errMsg is an error for the status line.
type errMsg struct{ err error }

// statusMsg is a message for the status line.
type statusMsg string

// openMsg asks the root to push a page on the stack.
type openMsg struct{ page page }

// showMsg asks the root to go back to the browser with a namespace
// selected.
type showMsg struct{ ns inspect.NamespaceID }
