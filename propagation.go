package main

import (
	"context"
	"fmt"
	"io"

	"github.com/nsdive/nsdive/actions"
)

func runPropagation(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("propagation")
	target := fs.StringP("target", "t", "", "the process (`PID|CONTAINER`) in whose mount namespace to act")
	recursive := fs.BoolP("recursive", "r", false, "change every mount below PATH too (--make-rshared, ...)")
	quiet := fs.BoolP("quiet", "q", false, "do not print the equivalent shell commands")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: nsdive propagation -t PID|CONTAINER PATH shared|slave|private|unbindable [--recursive]\n\nChange the propagation of the mount at PATH in a process's mount namespace,\nlike nsenter -t PID -m mount --make-shared PATH. PATH is read from the\nnamespace's root; nsdive mounts -p PID shows the result.\n\nOptions:")
		printDefaults(w, fs)
	}
	if err := parseFlags(fs, args, stdout, usage); err != nil {
		return err
	}
	switch {
	case *target == "":
		return usageError{fmt.Errorf("-t: give the pid or container in whose mount namespace to act")}
	case fs.NArg() < 2:
		return usageError{fmt.Errorf("give a mount point and shared, slave, private or unbindable")}
	case fs.NArg() > 2:
		return usageError{fmt.Errorf("unexpected argument %s", quoteArg(fs.Arg(2)))}
	}
	t, err := actions.ResolveTarget(context.Background(), *target)
	if err != nil {
		return err
	}
	path, kind := fs.Arg(0), fs.Arg(1)
	a, err := actions.SetPropagation(t, path, kind, *recursive)
	if err != nil {
		return err
	}
	if err := runAction(a, *quiet, stderr); err != nil {
		return err
	}
	below := ""
	if *recursive {
		below = " and every mount below it"
	}
	_, err = fmt.Fprintf(stdout, "%s%s in the mount namespace of %s: %s\n", path, below, t, kind)
	return err
}
