package main

import (
	"fmt"
	"io"
	"os"
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
	var unreadable []string
	total := 0
	for _, p := range snap.SortedProcesses() {
		if p.IsThread() {
			continue
		}
		total++
		if p.Namespaces == (inspect.NamespaceSet{}) {
			unreadable = append(unreadable, strconv.Itoa(p.PID))
		}
	}
	what := fmt.Sprintf("%d of %d processes", len(unreadable), total)
	if len(unreadable) <= 3 {
		what = "pid " + strings.Join(unreadable, ", ")
	}
	fmt.Fprintf(stderr, "nsdive %s: could not read the namespaces of %s: %s\n", command, what, permissionHint())
}

// permissionHint says what would let nsdive read what it could not.
func permissionHint() string {
	if os.Geteuid() != 0 {
		return "permission denied: run nsdive as root"
	}
	return "permission denied even to root: the process holds capabilities nsdive lacks, or a security module forbids it"
}
