package main

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"

	"github.com/nsdive/nsdive/actions"
	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/child"
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
		{inspect.Net, "net", "n"}, {inspect.PID, "pid", "p"}, {inspect.User, "user", "U"},
		{inspect.Cgroup, "cgroup", "C"}, {inspect.Time, "time", "T"},
	} {
		types[o.typ] = fs.BoolP(o.long, o.short, false, "create a new "+o.typ.String()+" namespace")
	}
	var opts actions.UnshareOptions
	fs.BoolVarP(&opts.Fork, "fork", "f", false, "run COMMAND as a child: with --pid, it is pid 1")
	fs.StringVar(&opts.MountProc, "mount-proc", "", "mount a fresh proc at `DIR` (/proc), in a new mount namespace")
	fs.Lookup("mount-proc").NoOptDefVal = "/proc"
	fs.BoolVarP(&opts.MapRootUser, "map-root-user", "r", false, "be root in a new user namespace (your uid and gid mapped to 0)")
	fs.StringVar(&opts.Propagation, "propagation", "private", "`private|shared|slave|unchanged`: of / in a new mount namespace")
	fs.StringVar(&opts.Hostname, "hostname", "", "set the hostname to `NAME` in the new uts namespace")
	fs.Int64Var(&opts.Monotonic, "monotonic", 0, "the new time namespace's monotonic clock offset in `SECONDS`")
	fs.Int64Var(&opts.Boottime, "boottime", 0, "the new time namespace's boottime clock offset in `SECONDS`")
	persist := fs.StringArray("persist", nil, "keep the new namespace of TYPE alive at FILE (`TYPE=FILE`, e.g. net=/run/netns/NAME)")
	quiet := fs.BoolP("quiet", "q", false, "do not print the equivalent unshare command")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: nsdive unshare [options] [--] [COMMAND [ARG...]]\n\n"+
			"Run COMMAND ($SHELL, or /bin/sh, by default) in new namespaces, like\n"+
			"unshare(1), whose options these are. A new mount namespace gets private\n"+
			"propagation unless --propagation says otherwise. Exits with COMMAND's status.\n\nOptions:")
		printDefaults(w, fs)
	}
	if err := parseFlags(fs, args, stdout, usage); err != nil {
		return err
	}
	opts.SetMonotonic, opts.SetBoottime = fs.Changed("monotonic"), fs.Changed("boottime")
	opts.Args = fs.Args()
	for t, on := range types {
		if *on {
			opts.Types |= inspect.TypesOf(t)
		}
	}
	for _, p := range *persist {
		name, file, ok := strings.Cut(p, "=")
		if name == "mount" {
			name = "mnt"
		}
		typ, err := inspect.ParseType(name)
		if !ok || file == "" || err != nil {
			return usageError{fmt.Errorf("--persist %s: give TYPE=FILE, TYPE one of mnt, uts, ipc, net, pid, user, cgroup, time", quoteArg(p))}
		}
		opts.Persist = append(opts.Persist, actions.PersistSpec{Type: typ, Path: file})
	}
	u, err := actions.Unshare(opts)
	if err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintf(stderr, "# %s\n", u.Command)
	}
	return commandStatus(u.Run())
}

// commandStatus turns how a command nsdive ran ended into the status
// nsdive exits with: the command's, 128+N when signal N killed it, or the
// helper's own one-line failure.
func commandStatus(err error) error {
	var cerr *child.Error
	var exit *exec.ExitError
	switch {
	case errors.As(err, &cerr):
		return helperError{cerr.Msg, cerr.Status}
	case errors.As(err, &exit):
		if status := exit.ExitCode(); status >= 0 {
			return exitStatus(status)
		}
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return exitStatus(128 + int(ws.Signal()))
		}
	}
	return err
}
