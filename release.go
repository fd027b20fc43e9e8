package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/nsdive/nsdive/actions"
)

func runRelease(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("release")
	quiet := fs.BoolP("quiet", "q", false, "do not print the equivalent shell commands")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: nsdive release PATH|NAME\n\nUnmount a namespace persisted at PATH (a NAME without '/' is /run/netns/NAME)\nand remove the file, like ip netns del NAME or umount -l PATH; rm PATH.\nThe namespace goes away when nothing else holds it.\n\nOptions:")
		printDefaults(w, fs)
	}
	if err := parseFlags(fs, args, stdout, usage); err != nil {
		return err
	}
	switch {
	case fs.NArg() == 0:
		return usageError{fmt.Errorf("give the path of a persisted namespace")}
	case fs.NArg() > 1:
		return usageError{fmt.Errorf("unexpected argument %s", quoteArg(fs.Arg(1)))}
	}
	path, err := releasePath(fs.Arg(0))
	if err != nil {
		return err
	}
	a, err := actions.Release(path)
	if err != nil {
		return err
	}
	if err := runAction(a, *quiet, stderr); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "released %s\n", path)
	return err
}

// releasePath is the file release acts on: /run/netns/NAME for a name
// without '/', as persist --net NAME makes it, or the path made absolute.
func releasePath(arg string) (string, error) {
	if !filepath.IsAbs(arg) && filepath.Base(arg) == arg && arg != "." && arg != ".." {
		return actions.NetnsPath(arg)
	}
	return filepath.Abs(arg)
}
