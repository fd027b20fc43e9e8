package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/nsdive/nsdive/actions"
	"github.com/nsdive/nsdive/inspect"
)

func runUnshare(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("unshare")
	fs.SetInterspersed(false) // the command's options are its own
	types := make(map[inspect.Type]*bool)
	for _, o := range []struct {
		typ         inspect.Type
		long, short string
	}{
		{inspect.Mnt, "mount", "m"}, {inspect.UTS, "uts", "u"}, {inspect.IPC, "ipc", "i"},
		{inspect.Net, "net", "n"}, {inspect.PID, "pid", "p"}, {inspect.Cgroup, "cgroup", "C"},
		{inspect.User, "user", "U"}, {inspect.Time, "time", "T"},
	} {
		types[o.typ] = fs.BoolP(o.long, o.short, false, "a new "+o.typ.String()+" namespace")
	}
	fork := fs.BoolP("fork", "f", false, "run the command as a child, pid 1 of a new pid namespace")
	mountProc := fs.String("mount-proc", "", "mount a proc filesystem at DIR (/proc without one); implies --mount")
	fs.Lookup("mount-proc").NoOptDefVal = "/proc"
	mapRoot := fs.BoolP("map-root-user", "r", false, "map your uid and gid to root in a new user namespace; implies --user")
	propagation := fs.String("propagation", actions.PropagationPrivate, "the new mount namespace's propagation: private, shared, slave or unchanged")
	hostname := fs.String("hostname", "", "set the new uts namespace's host name")
	monotonic := fs.Int64("monotonic", 0, "offset of CLOCK_MONOTONIC in the new time namespace, in seconds")
	boottime := fs.Int64("boottime", 0, "offset of CLOCK_BOOTTIME in the new time namespace, in seconds")
	persist := fs.StringArray("persist", nil, "keep the new namespace of TYPE alive at FILE after the command (TYPE=FILE)")
	quiet := fs.BoolP("quiet", "q", false, "do not print the equivalent unshare command")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: nsdive unshare [options] [--] [COMMAND [ARG...]]\n\n"+
			"Run COMMAND ($SHELL, or /bin/sh, by default) in new namespaces, like\n"+
			"unshare(1), with its meaning for each option: a new mount namespace's\n"+
			"mounts are made private unless --propagation says otherwise. Exits with\n"+
			"COMMAND's status.\n\nOptions:")
		printDefaults(w, fs)
	}
	if err := parseFlags(fs, args, stdout, usage); err != nil {
		return err
	}
	opts := actions.UnshareOptions{
		Fork:        *fork,
		MountProc:   *mountProc,
		MapRootUser: *mapRoot,
		Propagation: *propagation,
		Hostname:    *hostname,
		Monotonic:   time.Duration(*monotonic) * time.Second,
		Boottime:    time.Duration(*boottime) * time.Second,
		Args:        fs.Args(),
	}
	for t, on := range types {
		if *on {
			opts.Types |= inspect.TypesOf(t)
		}
	}
	for _, p := range *persist {
		name, path, ok := strings.Cut(p, "=")
		t, err := inspect.ParseType(name)
		if !ok || path == "" || err != nil {
			return usageError{fmt.Errorf("--persist %s: want TYPE=FILE with TYPE one of cgroup, ipc, mnt, net, pid, time, user, uts", quoteArg(p))}
		}
		opts.Persist = append(opts.Persist, actions.PersistSpec{Type: t, Path: filepath.Clean(path)})
	}
	u, err := actions.Unshare(opts)
	if err != nil {
		return err
	}
	if !*quiet {
		for _, c := range u.Commands() {
			fmt.Fprintf(stderr, "# %s\n", c)
		}
	}
	return commandStatus(u.Run())
}
