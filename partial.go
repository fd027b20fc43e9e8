package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/nsdive/nsdive/inspect"
)

// warnPartial says on stderr when the scan could not read some processes'
// namespaces, which then count in no namespace, and what would help.
func warnPartial(stderr io.Writer, command string, snap *inspect.Snapshot) {
	if snap.Unreadable.Processes == 0 {
		return
	}
	var few []int // the first unreadable pids met, enough to name them
	total := 0
	for _, p := range snap.Processes {
		if p.IsThread() {
			continue
		}
		total++
		if p.Namespaces == (inspect.NamespaceSet{}) && len(few) < 4 {
			few = append(few, p.PID)
		}
	}
	what := fmt.Sprintf("%d of %d processes", snap.Unreadable.Processes, total)
	if len(few) <= 3 {
		slices.Sort(few)
		pids := make([]string, len(few))
		for i, pid := range few {
			pids[i] = strconv.Itoa(pid)
		}
		what = "pid " + strings.Join(pids, ", ")
	}
	fmt.Fprintf(stderr, "nsdive %s: cannot read the namespaces of %s%s\n", command, what, deniedBecause())
}

// deniedBecause ends a message that nsdive could not read something of a
// process, with what would help.
func deniedBecause() string {
	if os.Geteuid() != 0 {
		return ": run nsdive as root"
	}
	return ", even as root: it may hold capabilities nsdive lacks"
}
