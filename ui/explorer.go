package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	tea "charm.land/bubbletea/v2"
	"golang.org/x/sys/unix"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/schema"
)

// Options configure the explorer.
type Options struct {
	// Interval is the time between live rescans.
	Interval time.Duration
	// From is a snapshot file (nsdive list --json --details) to explore
	// read-only instead of the live host.
	From string
	// Input and Output are the terminal; os.Stdin and os.Stdout when nil.
	Input  io.Reader
	Output io.Writer
}

// Run runs the explorer until the user quits. The terminal is restored on
// quit, on SIGINT, SIGTERM and SIGHUP, and after a panic.
func Run(ctx context.Context, opts Options) error {
	c := &common{styles: defaultStyles(true), keys: defaultKeyMap(), host: thisHost(), users: display.SystemUsers}
	var w *world
	if opts.From != "" {
		var err error
		if w, err = readWorld(opts.From); err != nil {
			return err
		}
		c.users = display.NewUsers()
	}
	ctx, stop := signal.NotifyContext(ctx, unix.SIGHUP)
	defer stop()
	return runModel(ctx, newModel(ctx, c, opts.Interval, w), opts)
}

// runModel runs the program over m on opts' terminal until it ends, and
// says how: nil for q, SIGTERM (Bubble Tea quits on it), SIGINT (an
// interrupt) or the end of ctx (SIGHUP); an error for a panic, caught by
// Bubble Tea, which restores the terminal and prints the stack first.
func runModel(ctx context.Context, m tea.Model, opts Options) error {
	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		popts = append(popts, tea.WithOutput(opts.Output))
	}
	_, err := tea.NewProgram(m, popts...).Run()
	switch {
	case errors.Is(err, tea.ErrProgramPanic):
		return fmt.Errorf("the explorer crashed (the stack is above; please report it): %w", err)
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return nil // SIGHUP or the caller's context: a normal end
	case errors.Is(err, tea.ErrInterrupted):
		return nil
	}
	return err
}

// readWorld reads a snapshot file into a read-only world.
func readWorld(path string) (*world, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open snapshot: %w", err)
	}
	defer f.Close()
	doc, err := schema.Read(f)
	if err != nil {
		return nil, fmt.Errorf("read snapshot %s: %w", path, err)
	}
	w := newWorld(doc.Snapshot, 0)
	w.fromFile, w.userNames = path, doc.UserNames
	return w, nil
}

// thisHost reads the node name and kernel release once, at start.
func thisHost() host {
	h := host{Root: os.Geteuid() == 0}
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		h.Name, h.Kernel = unix.ByteSliceToString(u.Nodename[:]), unix.ByteSliceToString(u.Release[:])
	}
	return h
}
