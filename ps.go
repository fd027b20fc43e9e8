package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/schema"
)

func runPS(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ps")
	jsonOut := fs.BoolP("json", "J", false, "use JSON output format")
	differ := fs.BoolP("differ", "d", false, "show only processes in some namespace other than the initial ones")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: nsdive ps [options]\n\nEvery process with its namespaces; a * marks a namespace that is not the\nhost's initial one.\n\nOptions:")
		printDefaults(w, fs)
	}
	if err := parseFlags(fs, args, stdout, usage); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %s", quoteArg(fs.Arg(0)))}
	}
	snap, err := inspect.Scan(context.Background(), inspect.Options{Cmdline: true, ForChildren: true, Threads: true, Cgroups: true})
	if err != nil {
		return err
	}
	warnPartial(stderr, "ps", snap)
	var procs []*inspect.Process
	for _, p := range snap.SortedProcesses() {
		if !*differ || len(snap.DiffersFromInitial(p)) > 0 {
			procs = append(procs, p)
		}
	}
	if *jsonOut {
		return schema.WriteProcesses(stdout, snap, procs, display.SystemUsers.Name)
	}
	cols := []column{{"PID", true}, {"PPID", true}, {"USER", false}}
	for _, l := range display.LinkColumns {
		cols = append(cols, column{l.Header, true})
	}
	cols = append(cols, column{"COMMAND", false})
	rows := make([]tableRow, 0, len(procs))
	for _, p := range procs {
		cells := []string{display.PIDText(p), strconv.Itoa(p.PPID), display.UserText(nil, p)}
		for _, l := range display.LinkColumns {
			cells = append(cells, display.LinkText(snap, p, l.Link))
		}
		rows = append(rows, tableRow{cells: append(cells, display.CommandLine(p))})
	}
	if err := writeTable(stdout, cols, rows, -1, true); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "\n* not the host's initial namespace%s; PID a/b is thread b of process a\n", unknownInitialNote(snap))
	return err
}

// unknownInitialNote names the types whose initial namespace the scan
// could not tell, which ps then stars nowhere.
func unknownInitialNote(snap *inspect.Snapshot) string {
	unknown := snap.UnknownInitial()
	if len(unknown) == 0 {
		return ""
	}
	names := make([]string, len(unknown))
	for i, t := range unknown {
		names[i] = t.String()
	}
	return fmt.Sprintf(" (the initial %s namespace is unknown: pids 1 and 2 are unreadable)", strings.Join(names, " and "))
}
