package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/nsdive/nsdive/inspect"
	flag "github.com/spf13/pflag"
)

// psLinks are the namespace columns of `nsdive ps`, in /proc/PID/ns order.
var psLinks = []struct {
	header string
	link   inspect.Link
}{
	{"CGROUP", inspect.LinkCgroup}, {"IPC", inspect.LinkIPC}, {"MNT", inspect.LinkMnt},
	{"NET", inspect.LinkNet}, {"PID", inspect.LinkPID}, {"PIDCHLD", inspect.LinkPIDForChildren},
	{"TIME", inspect.LinkTime}, {"TIMECHLD", inspect.LinkTimeForChildren},
	{"USER", inspect.LinkUser}, {"UTS", inspect.LinkUTS},
}

func runPS(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ps", flag.ContinueOnError)
	jsonOut := fs.BoolP("json", "J", false, "use JSON output format")
	differ := fs.BoolP("differ", "d", false, "show only processes in some namespace other than the initial ones")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: nsdive ps [options]\n\nEvery process with its namespaces; a * marks a namespace that is not the\nhost's initial one.\n\nOptions:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	snap, err := inspect.Scan(inspect.Options{Cmdline: true, ForChildren: true, Threads: true})
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
		return writePSJSON(stdout, snap, procs)
	}
	cols := []column{{"PID", true}, {"PPID", true}, {"USER", false}}
	for _, l := range psLinks {
		cols = append(cols, column{l.header, true})
	}
	cols = append(cols, column{"COMMAND", false})
	rows := make([]tableRow, 0, len(procs))
	for _, p := range procs {
		user := "?"
		if p.UID >= 0 {
			user = userName(p.UID)
		}
		pid := strconv.Itoa(p.PID)
		if p.IsThread() {
			pid = fmt.Sprintf("%d/%d", p.TGID, p.PID)
		}
		cells := []string{pid, strconv.Itoa(p.PPID), user}
		for _, l := range psLinks {
			cells = append(cells, linkCell(snap, p, l.link))
		}
		rows = append(rows, tableRow{cells: append(cells, commandLine(p))})
	}
	if err := writeTable(stdout, cols, rows, -1, true); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "\n* not the initial namespace (the initial ones are pid %d's); PID a/b is thread b of process a\n", snap.InitialPID)
	return err
}

// linkCell shows one namespace link of a process: its inode, starred when
// it is not the initial namespace, "-" when unreadable.
func linkCell(snap *inspect.Snapshot, p *inspect.Process, l inspect.Link) string {
	id := p.Namespaces[l]
	if id.IsZero() {
		return "-"
	}
	if !snap.Initial[l].IsZero() && id != snap.Initial[l] {
		return "*" + id.String()
	}
	return id.String()
}

// writePSJSON prints {"processes": [...]} with one object per process.
func writePSJSON(w io.Writer, snap *inspect.Snapshot, procs []*inspect.Process) error {
	items := make([]jsonObject, len(procs))
	for i, p := range procs {
		items[i] = processJSON(snap, p)
	}
	return writeJSON(w, jsonObject{{"initial_pid", snap.InitialPID}, {"processes", items}})
}
