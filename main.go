// Command nsdive makes Linux namespaces visible from a terminal.
//
//	nsdive            the interactive explorer (the default)
//	nsdive list       namespaces, like lsns
//	nsdive ps         processes with their namespaces
//	nsdive mounts     a mount namespace's mounts with their propagation
//	nsdive enter      a command in a process's or container's namespaces
//	nsdive unshare    a command in new namespaces
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/nsdive/nsdive/ui"
)

const usage = `Usage: nsdive [COMMAND] [OPTIONS]

Explore the namespaces of this host. Run as root for the full view.

Commands:
  explore      the interactive explorer (the default)
  list         list namespaces, like lsns (-J for JSON, --details for everything)
  ps           list processes with their namespaces
  mounts       list a mount namespace's mounts with their propagation
  enter        run a command in a process's or container's namespaces, like nsenter
  unshare      run a command in new namespaces, like unshare
  hostname     set the hostname of a process's uts namespace
  veth         link two network namespaces with a veth pair
  propagation  change a mount's propagation in a process's mount namespace
  persist      keep a process's namespaces alive in files (/run/netns/NAME)
  release      unmount and remove a persisted namespace
  demo         a sandbox lab of the classic namespace demos (up, down, status)
  version      print nsdive's version (also -V, --version)

Run 'nsdive COMMAND --help' for a command's options.
`

const exploreUsage = `Usage: nsdive [explore] [--interval DURATION] [--from FILE]

The interactive explorer: every namespace of this host, rescanned live.
Run it as root for the full view; press ? inside for the keys.

Options:
      --interval DURATION   time between live rescans (default 2s)
      --from FILE           explore a snapshot saved with
                            'nsdive list --json --details', read-only
`

// usageError is a mistake in the command line: the message is followed by
// a pointer to --help.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func main() {
	// A scan builds a few MiB of small objects at once; collecting at 50%
	// growth instead of 100% keeps the peak RSS of a 10,000-process host
	// near 13 MiB instead of 17, at no cost in time that we could measure.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one nsdive command line and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	command := "explore"
	switch {
	case len(args) > 0 && (args[0] == "-V" || args[0] == "--version"):
		command, args = "version", args[1:]
	case len(args) > 0 && (args[0] == "" || args[0][0] != '-'):
		command, args = args[0], args[1:]
	}
	var err error
	switch command {
	case "explore":
		err = runExplore(args, stdout, stderr)
	case "list":
		err = runList(args, stdout, stderr)
	case "ps":
		err = runPS(args, stdout, stderr)
	case "mounts":
		err = runMounts(args, stdout, stderr)
	case "enter":
		err = runEnter(args, stdout, stderr)
	case "unshare":
		err = runUnshare(args, stdout, stderr)
	case "demo":
		err = runDemo(args, stdout, stderr)
	case "hostname":
		err = runHostname(args, stdout, stderr)
	case "persist":
		err = runPersist(args, stdout, stderr)
	case "propagation":
		err = runPropagation(args, stdout, stderr)
	case "veth":
		err = runVeth(args, stdout, stderr)
	case "release":
		err = runRelease(args, stdout, stderr)
	case "version":
		err = runVersion(args, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		err = usageError{fmt.Errorf("unknown command %s (want explore, list, ps, mounts or enter)", quoteArg(command))}
		command = ""
	}
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var status exitStatus
	if errors.As(err, &status) {
		return int(status)
	}
	if command == "" {
		fmt.Fprintf(stderr, "nsdive: %s\n", shortenMessage(err.Error()))
	} else {
		fmt.Fprintf(stderr, "nsdive %s: %s\n", command, shortenMessage(err.Error()))
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "Run 'nsdive %s--help' for usage.\n", command+strings.Repeat(" ", min(len(command), 1)))
	}
	var he helperError
	if errors.As(err, &he) {
		return he.status
	}
	return 1
}

// runExplore will start the interactive explorer; until it is built, it
// says so and shows the namespaces.
func runExplore(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("explore")
	interval := fs.Duration("interval", 2*time.Second, "time between live rescans")
	from := fs.String("from", "", "explore a snapshot saved with 'nsdive list --json --details' instead of this host")
	if err := parseFlags(fs, args, stdout, func(w io.Writer) { fmt.Fprint(w, exploreUsage) }); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %s", quoteArg(fs.Arg(0)))}
	}
	if *interval < 100*time.Millisecond {
		return usageError{fmt.Errorf("--interval %s is too short (at least 100ms)", *interval)}
	}
	return ui.Run(context.Background(), ui.Options{Interval: *interval, From: *from})
}
