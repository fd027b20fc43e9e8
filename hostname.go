package main

import (
	"context"
	"fmt"
	"io"

	"github.com/nsdive/nsdive/actions"
)

func runHostname(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("hostname")
	target := fs.StringP("target", "t", "", "the process (`PID|CONTAINER`) whose uts namespace to change")
	quiet := fs.BoolP("quiet", "q", false, "do not print the equivalent shell commands")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: nsdive hostname -t PID|CONTAINER NAME\n\nSet the hostname of a process's uts namespace, like\nnsenter -t PID -u hostname NAME.\n\nOptions:")
		printDefaults(w, fs)
	}
	if err := parseFlags(fs, args, stdout, usage); err != nil {
		return err
	}
	switch {
	case *target == "":
		return usageError{fmt.Errorf("-t: give the pid or container whose hostname to set")}
	case fs.NArg() == 0:
		return usageError{fmt.Errorf("give the new hostname")}
	case fs.NArg() > 1:
		return usageError{fmt.Errorf("unexpected argument %s", quoteArg(fs.Arg(1)))}
	}
	t, err := actions.ResolveTarget(context.Background(), *target)
	if err != nil {
		return err
	}
	a, err := actions.SetHostname(t, fs.Arg(0))
	if err != nil {
		return err
	}
	if err := runAction(a, *quiet, stderr); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "hostname of %s: %s\n", t, fs.Arg(0))
	return err
}
