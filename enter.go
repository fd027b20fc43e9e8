package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nsdive/nsdive/actions"
	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/nsexec"
)

// exitStatus is the status of the command nsdive ran: run exits with it
// and prints nothing more.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// helperError is the one-line failure of the helper that joins the
// namespaces, with its status (1, or a shell's 126 and 127).
type helperError struct {
	msg    string
	status int
}

func (e helperError) Error() string { return e.msg }

func runEnter(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("enter")
	fs.SetInterspersed(false) // the command's options are its own
	targetArg := fs.StringP("target", "t", "", "the process (PID) or container (name or id) whose namespaces to enter")
	types := make(map[inspect.Type]*bool)
	for _, o := range []struct {
		typ         inspect.Type
		long, short string
	}{
		{inspect.Mnt, "mount", "m"}, {inspect.UTS, "uts", "u"}, {inspect.IPC, "ipc", "i"},
		{inspect.Net, "net", "n"}, {inspect.PID, "pid", "p"}, {inspect.Cgroup, "cgroup", "C"},
		{inspect.User, "user", "U"}, {inspect.Time, "time", "T"},
	} {
		types[o.typ] = fs.BoolP(o.long, o.short, false, "enter the target's "+o.typ.String()+" namespace")
	}
	all := fs.BoolP("all", "a", false, "enter every namespace of the target that differs from nsdive's own")
	files := fs.StringArray("ns", nil, "enter the namespace at FILE (TYPE=FILE: net=/run/netns/NAME, mnt=/proc/PID/ns/mnt)")
	preserve := fs.Bool("preserve-credentials", false, "keep uid, gid and groups in a user namespace instead of becoming its root")
	quiet := fs.BoolP("quiet", "q", false, "print neither the equivalent nsenter command nor which binary runs")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: nsdive enter -t PID|CONTAINER [options] [--] [COMMAND [ARG...]]\n\n"+
			"Run COMMAND ($SHELL, or /bin/sh, by default) in the namespaces of a process\n"+
			"or a container, like nsenter(1). CONTAINER is a name or id as the CONTAINER\n"+
			"column of nsdive list shows it (ENGINE:NAME where names clash); its init is\n"+
			"entered. COMMAND is looked up in PATH inside the target's mount namespace\n"+
			"when that is entered. Exits with COMMAND's status.\n\nOptions:")
		printDefaults(w, fs)
	}
	if err := parseFlags(fs, args, stdout, usage); err != nil {
		return err
	}
	opts := actions.EnterOptions{All: *all, Args: fs.Args(), Quiet: *quiet, PreserveCredentials: *preserve}
	for t, on := range types {
		if *on {
			opts.Types |= inspect.TypesOf(t)
		}
	}
	for _, f := range *files {
		name, path, ok := strings.Cut(f, "=")
		t, err := inspect.ParseType(name)
		if !ok || path == "" || err != nil {
			return usageError{fmt.Errorf("--ns %s: want TYPE=FILE with TYPE one of cgroup, ipc, mnt, net, pid, time, user, uts", quoteArg(f))}
		}
		if opts.Files == nil {
			opts.Files = make(map[inspect.Type]string)
		}
		opts.Files[t] = path
	}
	if opts.Types == 0 && !opts.All && len(opts.Files) == 0 {
		return usageError{errors.New("no namespace to enter: give --all or the types (--mount, --net, ...)")}
	}
	var target *actions.Target
	if *targetArg != "" {
		t, err := actions.ResolveTarget(context.Background(), *targetArg)
		if err != nil {
			return err
		}
		target = &t
	} else if opts.Types != 0 || opts.All {
		return usageError{errors.New("-t: give the process or container to enter")}
	}
	e, err := actions.Enter(target, opts)
	if err != nil {
		return err
	}
	if !*quiet {
		if target != nil && target.Container != nil {
			fmt.Fprintf(stderr, "# pid %d is the init of %s\n", target.PID, target.Container)
		}
		fmt.Fprintf(stderr, "# %s\n", e.Command)
	}
	err = e.Run()
	var nerr *nsexec.Error
	if errors.As(err, &nerr) {
		return helperError{nerr.Msg, nerr.Status}
	}
	return commandStatus(err)
}
