package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/schema"
)

func runMounts(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("mounts")
	var target int
	fs.VarP(pidValue{&target}, "task", "p", "show the mount namespace of this process (default: nsdive's own)")
	jsonOut := fs.BoolP("json", "J", false, "use JSON output format")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: nsdive mounts [options]\n\nThe mounts of one mount namespace with their propagation, like\nfindmnt -o TARGET,SOURCE,FSTYPE,PROPAGATION, plus peer groups: shared:N is\nthe peer group a mount shares events with, master:N the one it receives\nfrom, and PEERS how many mounts in other mount namespaces are in its group.\n\nOptions:")
		printDefaults(w, fs)
	}
	if err := parseFlags(fs, args, stdout, usage); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %s", quoteArg(fs.Arg(0)))}
	}
	snap, err := inspect.Scan(context.Background(), inspect.Options{Lazy: true, Mounts: true})
	if err != nil {
		return err
	}
	if target == 0 {
		target = selfPID()
	}
	p, ok := snap.Processes[target]
	if !ok {
		return display.ProcessError(snap, target)
	}
	mntns := p.Namespaces[inspect.LinkMnt]
	table, ok := snap.Mounts[mntns]
	if mntns.IsZero() || !ok {
		if err := display.ExitedError(snap, target); err != nil {
			return err
		}
	}
	if mntns.IsZero() {
		return fmt.Errorf("cannot read the mount namespace of process %d%s", target, deniedBecause())
	}
	if !ok {
		return fmt.Errorf("cannot read the mounts of process %d (mount namespace %s)%s", target, mntns, deniedBecause())
	}
	// The PEERS column counts mounts in the mount namespaces it could read.
	warnPartial(stderr, "mounts", snap)
	if *jsonOut {
		return schema.WriteMounts(stdout, mntns, target, table)
	}
	cols := []column{{"ID", true}, {"TARGET", false}, {"SOURCE", false}, {"FSTYPE", false},
		{"PROPAGATION", false}, {"PEER GROUPS", false}, {"PEERS", true}}
	rows := make([]tableRow, len(table))
	for i, m := range table {
		peers := display.Peers(snap, inspect.MountRef{MountNS: mntns, MountID: m.ID})
		rows[i] = tableRow{cells: []string{strconv.Itoa(m.ID), m.MountPoint, display.MountSource(&m), m.FSType,
			m.Propagation.String(), display.PeerGroupsText(m.Propagation), strconv.Itoa(peers)}}
	}
	if _, err := fmt.Fprintf(stdout, "mount namespace %s (pid %d)\n", mntns, target); err != nil {
		return err
	}
	return writeTable(stdout, cols, rows, -1, true)
}

// selfPID is nsdive's own pid as /proc shows it.
func selfPID() int {
	if target, err := os.Readlink("/proc/self"); err == nil {
		if pid, err := strconv.Atoi(target); err == nil {
			return pid
		}
	}
	return os.Getpid()
}
