package main

import (
	"fmt"
	"io"
	"os"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
)

// warnPartial says on stderr when the scan could not read some processes'
// namespaces, which then count in no namespace, and what would help; only
// when that leaves a real part of the view out (see display.Partial), not
// on every run of a healthy host.
func warnPartial(stderr io.Writer, command string, snap *inspect.Snapshot) {
	part := display.PartialOf(snap)
	if !part.Missing() {
		return
	}
	fmt.Fprintf(stderr, "nsdive %s: cannot read the namespaces of %s%s\n", command, part.What(), deniedBecause())
}

// deniedBecause ends a message that nsdive could not read something of a
// process, with what would help.
func deniedBecause() string {
	if os.Geteuid() != 0 {
		return ": run nsdive as root"
	}
	return ", even as root: it may hold capabilities nsdive lacks"
}
