package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// panicHelper, set in the environment, makes the test binary run the
// explorer with a panicking page on its terminal instead of the tests
// (see TestMain). It runs in a process of its own because Bubble Tea,
// shutting down after a panic, closes its input while its reader still
// polls it, which the race detector reports in whichever process it is.
const panicHelper = "NSDIVE_UI_PANIC_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(panicHelper) != "" {
		runPanicking()
		return
	}
	os.Exit(m.Run())
}

// panicking is a page that panics when it is drawn.
type panicking struct{ page }

func (panicking) View() string { panic("a page that cannot draw itself") }

// runPanicking runs the explorer on this process's terminal with a page
// that panics, and says on stderr how the run ended.
func runPanicking() {
	w, err := readWorld("../schema/testdata/small-host.json")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	m := newModel(context.Background(), testCommon(), time.Second, w)
	m.pages = append(m.pages, panicking{m.top()})
	err = runModel(context.Background(), m, Options{Input: os.Stdin, Output: os.Stdout})
	fmt.Fprintf(os.Stderr, "\nrun ended: panic %v: %v\n", errors.Is(err, tea.ErrProgramPanic), err)
}

// TestPanicRestoresTerminal runs the explorer on a pty with a page that
// panics: the run must end in an error that says it crashed, with the
// terminal given back (alternate screen left, cursor shown, echo and
// canonical input on again), not a shell left in raw mode. (The real
// binary's quit and signals are tested in package main.)
func TestPanicRestoresTerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	emu := vt.NewSafeEmulator(80, 24)
	go io.Copy(emu, ptmx)
	go io.Copy(ptmx, emu)

	var stderr bytes.Buffer
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), panicHelper+"=1", "TERM=xterm-256color")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the panicking explorer did not end in 20 s; stderr:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "run ended: panic true: the explorer crashed") {
		t.Errorf("the run did not end in the panic's error; stderr:\n%s", stderr.String())
	}
	time.Sleep(200 * time.Millisecond) // the emulator reads the last bytes
	if emu.IsAltScreen() || emu.CursorHidden() {
		t.Errorf("after the panic: alternate screen %v, cursor hidden %v; want neither", emu.IsAltScreen(), emu.CursorHidden())
	}
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if tio.Lflag&(unix.ECHO|unix.ICANON) != unix.ECHO|unix.ICANON {
		t.Errorf("after the panic the terminal's echo or icanon is off (lflag %#x)", tio.Lflag)
	}
}
