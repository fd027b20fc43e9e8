package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nsdive/nsdive/demo"
	"github.com/nsdive/nsdive/ui"
)

const demoUsage = `Usage: nsdive demo [up|down|status] [-q]

A sandbox lab of the classic namespace demonstrations, built with nsdive's
own actions: containers lab-web, lab-db and lab-cache in eight namespaces
each, wired to the bridge lab-br in /run/netns/lab-net, a namespace
persisted with no process (lab-empty), one held by a descriptor, and a
propagation tmpfs at /run/nsdive-lab/prop. Needs root.

  nsdive demo          build the lab, open the explorer on it, take it down on exit
  nsdive demo up       build the lab (again where part of it is missing)
  nsdive demo down     take the lab down
  nsdive demo status   what of the lab exists; exit status 1 when incomplete

Options:
  -q, --quiet   do not print the equivalent shell commands
`

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo")
	quiet := fs.BoolP("quiet", "q", false, "do not print the equivalent shell commands")
	if err := parseFlags(fs, args, stdout, func(w io.Writer) { fmt.Fprint(w, demoUsage) }); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageError{fmt.Errorf("unexpected argument %s", quoteArg(fs.Arg(1)))}
	}
	opts := demo.Options{Log: stderr}
	if *quiet {
		opts.Log = nil
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	switch fs.Arg(0) {
	case "up":
		return demo.Up(ctx, opts)
	case "down":
		return demo.Down(opts)
	case "status":
		err := demo.Status(stdout)
		if errors.Is(err, demo.ErrIncomplete) {
			fmt.Fprintln(stderr, "nsdive demo: "+err.Error())
			return exitStatus(1)
		}
		return err
	case "":
		if err := demo.Up(ctx, opts); err != nil {
			return err
		}
		stop()
		err := ui.Run(context.Background(), ui.Options{Interval: 2 * time.Second})
		return errors.Join(err, demo.Down(opts))
	}
	return usageError{fmt.Errorf("unknown demo command %s (want up, down or status)", quoteArg(fs.Arg(0)))}
}
