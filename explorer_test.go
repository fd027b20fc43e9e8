package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/nsdive/nsdive/internal/nstest"
)

// These tests run the explorer, the real binary, in a pseudo-terminal
// whose other end is a terminal emulator (x/vt), as a person would: they
// read the screen, type keys, send signals, and check that the terminal
// is given back as it was.

// explorerRun is the explorer running in a pty.
type explorerRun struct {
	cmd  *exec.Cmd
	ptmx *os.File // the terminal's side
	tty  *os.File // the explorer's side, kept open to read its modes
	emu  *vt.SafeEmulator
	done chan struct{} // closed when the explorer has exited
	err  error         // cmd.Wait's, once done is closed
	mu   sync.Mutex
	raw  bytes.Buffer // everything the explorer wrote
}

const explorerWidth, explorerHeight = 120, 35

// startExplorer runs nsdive with args in a 120x35 pty, as root; the
// cleanup SIGKILLs it if a test left it running.
func startExplorer(t *testing.T, args ...string) *explorerRun {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: explorerHeight, Cols: explorerWidth}); err != nil {
		t.Fatal(err)
	}
	r := &explorerRun{ptmx: ptmx, tty: tty, emu: vt.NewSafeEmulator(explorerWidth, explorerHeight), done: make(chan struct{})}
	r.cmd = exec.Command(nsdiveBin, args...)
	r.cmd.Stdin, r.cmd.Stdout, r.cmd.Stderr = tty, tty, tty
	r.cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := ptmx.Read(buf)
			if n > 0 {
				r.mu.Lock()
				r.raw.Write(buf[:n])
				r.mu.Unlock()
				r.emu.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	// The emulator's answers to the explorer's queries (background
	// colour, cursor position) go back through the pty.
	go io.Copy(ptmx, r.emu)
	go func() {
		r.err = r.cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			r.cmd.Process.Kill()
			<-r.done
		}
		ptmx.Close()
		tty.Close()
	})
	return r
}

// screen is the text on the emulator's screen.
func (r *explorerRun) screen() string { return ansi.Strip(r.emu.Render()) }

// waitScreen waits until the screen satisfies ok, and fails with the
// screen after 15 s.
func (r *explorerRun) waitScreen(t *testing.T, what string, ok func(screen string) bool) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := r.screen()
		if ok(s) {
			return s
		}
		select {
		case <-r.done:
			t.Fatalf("the explorer exited (%v) before %s; screen:\n%s", r.err, what, s)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s after 15 s; screen:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitText waits until the screen shows text.
func (r *explorerRun) waitText(t *testing.T, text string) string {
	t.Helper()
	return r.waitScreen(t, fmt.Sprintf("%q on the screen", text), func(s string) bool { return strings.Contains(s, text) })
}

// typeKeys writes keys to the explorer as a terminal does.
func (r *explorerRun) typeKeys(t *testing.T, keys string) {
	t.Helper()
	if _, err := r.ptmx.WriteString(keys); err != nil {
		t.Fatal(err)
	}
}

// wait waits for the explorer to exit and returns its exit status; a
// death by signal is 128 plus the signal, as a shell reports it.
func (r *explorerRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("the explorer did not exit in 10 s; screen:\n%s", r.screen())
	}
	var exit *exec.ExitError
	switch {
	case r.err == nil:
		return 0
	case errors.As(r.err, &exit):
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return exit.ExitCode()
	}
	t.Fatal(r.err)
	return -1
}

// checkRestored checks, once the explorer has exited, that the terminal
// is as it found it: out of the alternate screen, cursor shown, mouse
// reporting off, and the line discipline cooked again (echo, canonical
// input, signals).
func (r *explorerRun) checkRestored(t *testing.T) {
	t.Helper()
	// Give the reader the explorer's last bytes.
	time.Sleep(200 * time.Millisecond)
	if r.emu.IsAltScreen() {
		t.Error("the terminal is still in the alternate screen")
	}
	if r.emu.CursorHidden() {
		t.Error("the cursor is still hidden")
	}
	r.mu.Lock()
	raw := r.raw.String()
	r.mu.Unlock()
	if on, off := strings.LastIndex(raw, "\x1b[?1002h"), strings.LastIndex(raw, "\x1b[?1002l"); on > off {
		t.Error("mouse reporting (?1002) was turned on and never off")
	}
	tio, err := unix.IoctlGetTermios(int(r.tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		name string
		flag uint32
	}{{"echo", unix.ECHO}, {"icanon", unix.ICANON}, {"isig", unix.ISIG}} {
		if tio.Lflag&m.flag == 0 {
			t.Errorf("the terminal's %s is still off (stty -%s)", m.name, m.name)
		}
	}
}

// TestExplorerQuitRestoresTerminal checks that q quits with status 0 and
// gives the terminal back, and that SIGTERM, SIGINT and SIGHUP do the
// same.
func TestExplorerQuitRestoresTerminal(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tc := range []struct {
		name string
		end  func(r *explorerRun)
	}{
		{"q", func(r *explorerRun) { r.ptmx.WriteString("q") }},
		{"SIGTERM", func(r *explorerRun) { r.cmd.Process.Signal(unix.SIGTERM) }},
		{"SIGINT", func(r *explorerRun) { r.cmd.Process.Signal(unix.SIGINT) }},
		{"SIGHUP", func(r *explorerRun) { r.cmd.Process.Signal(unix.SIGHUP) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := startExplorer(t)
			r.waitText(t, "namespaces")
			if !r.emu.IsAltScreen() {
				t.Fatal("the explorer did not enter the alternate screen")
			}
			tc.end(r)
			if code := r.wait(t); code != 0 {
				t.Errorf("exit status %d, want 0", code)
			}
			r.checkRestored(t)
		})
	}
}

// TestExplorerShowsNewNetns runs the explorer with rescans every 500 ms,
// filters on a name no namespace has yet, then creates a network
// namespace of that name (ip netns add): it must appear in the filtered
// list after a rescan, be found by its inode too, and its detail must
// show its interfaces (a new netns has lo, down). q then quits with
// status 0 and the terminal restored.
func TestExplorerShowsNewNetns(t *testing.T) {
	nstest.RequireRoot(t)
	name := fmt.Sprintf("nsdive-e2e-%d", os.Getpid())
	r := startExplorer(t, "--interval", "500ms")
	r.waitText(t, "all namespaces")

	// The filter is kept (enter) while the namespace does not exist yet.
	r.typeKeys(t, "/"+name)
	r.waitText(t, "no namespace here")
	r.typeKeys(t, "\r")
	id := nstest.AddNetns(t, name)
	row := regexp.MustCompile(fmt.Sprintf(`(?m)^│%d +net +0 `, id.Ino))
	r.waitScreen(t, "the new netns's row, after a rescan", row.MatchString)
	r.waitScreen(t, "its interfaces (lo) and its bind mount in its detail", func(s string) bool {
		return strings.Contains(s, "Interfaces") && loLine.MatchString(s) && strings.Contains(s, "/run/netns/"+name)
	})

	// Its inode finds it too (ctrl+u empties the filter).
	r.typeKeys(t, fmt.Sprintf("/\x15%d", id.Ino))
	byInode := regexp.MustCompile(fmt.Sprintf(`(?m)^/%d +1 match`, id.Ino))
	r.waitScreen(t, "the netns found by its inode", func(s string) bool {
		return byInode.MatchString(s) && row.MatchString(s)
	})
	r.typeKeys(t, "\r")

	r.typeKeys(t, "q")
	if code := r.wait(t); code != 0 {
		t.Errorf("q: exit status %d, want 0", code)
	}
	r.checkRestored(t)
}

// loLine is the loopback interface's line in a netns's detail.
var loLine = regexp.MustCompile(`(?m)\blo +(down|up|unknown)\b`)
