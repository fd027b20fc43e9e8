package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/demo"
	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

// labPID returns the pid of a lab container from nsdive demo status.
func labPID(t *testing.T, status, name string) string {
	t.Helper()
	for line := range strings.Lines(status) {
		fields := strings.Fields(line)
		if len(fields) == 5 && fields[0] == "container" && fields[1] == name && fields[3] == "pid" {
			return fields[4]
		}
	}
	t.Fatalf("no pid of %s in the status:\n%s", name, status)
	return ""
}

// TestDemo builds the lab with nsdive demo up, sends a UDP datagram from
// lab-web to lab-db and back through the bridge, each end run inside with
// nsdive enter, and takes the lab down: status says complete, then not.
func TestDemo(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.Serialize(t, nstest.LabLock)
	if _, err := os.Lstat(demo.StateFile); err == nil {
		t.Fatalf("a lab is up (%s): run nsdive demo down first", demo.StateFile)
	}
	t.Cleanup(func() { runNsdive(t, "demo", "down", "-q") })
	if _, stderr, code := runNsdive(t, "demo", "up"); code != 0 || !strings.Contains(string(stderr), "# ip -n lab-net link add lab-br type bridge") {
		t.Fatalf("nsdive demo up: exit %d, want 0 and the commands on stderr\n%s", code, stderr)
	}
	stdout, stderr, code := runNsdive(t, "demo", "status")
	if code != 0 || strings.Contains(string(stdout), "MISSING") {
		t.Fatalf("nsdive demo status after up: exit %d\n%s%s", code, stdout, stderr)
	}
	web, db := labPID(t, string(stdout), "lab-web"), labPID(t, string(stdout), "lab-db")

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	server := exec.Command(nsdiveBin, "enter", "-q", "-t", db, "--net", "--", self)
	server.Env = append(os.Environ(), nstest.UDPEchoEnv+"=serve 10.99.0.12:7007")
	out, err := server.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = server.Process.Kill(); _ = server.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); line != "listening\n" {
		t.Fatalf("the echo in lab-db: %q, %v", line, err)
	}
	client := exec.Command(nsdiveBin, "enter", "-q", "-t", web, "--net", "--", self)
	client.Env = append(os.Environ(), nstest.UDPEchoEnv+"=send 10.99.0.12:7007 hello-from-lab-web")
	if got, err := client.CombinedOutput(); err != nil || string(got) != "hello-from-lab-web\n" {
		t.Errorf("UDP from lab-web to lab-db: %v\n%s", err, got)
	}

	if _, stderr, code := runNsdive(t, "demo", "down"); code != 0 {
		t.Fatalf("nsdive demo down: exit %d\n%s", code, stderr)
	}
	stdout, stderr, code = runNsdive(t, "demo", "status")
	if code != 1 || !strings.Contains(string(stdout), "MISSING") || string(stderr) != "nsdive demo: the lab is incomplete: run nsdive demo up\n" {
		t.Errorf("nsdive demo status after down: exit %d, want 1\n%s%s", code, stdout, stderr)
	}
}

// TestDemoNotRoot runs nsdive demo up as nobody: one line that says to
// run as root, and nothing made.
func TestDemoNotRoot(t *testing.T) {
	nstest.RequireRoot(t) // to become nobody
	nstest.Serialize(t, nstest.LabLock)
	for _, args := range [][]string{{"demo", "up"}, {"demo", "down"}, {"demo", "status"}} {
		_, stderr, code := runNsdiveAs(t, nobody, args...)
		want := fmt.Sprintf("nsdive demo: %s\n", demo.ErrNotRoot)
		if code != 1 || string(stderr) != want {
			t.Errorf("nsdive %s as nobody: exit %d, stderr %q, want 1 and %q", strings.Join(args, " "), code, stderr, want)
		}
	}
	if _, err := os.Lstat(demo.StateFile); err == nil {
		t.Error("nsdive demo up as nobody made a state file")
	}
}

// TestDemoExplorer runs nsdive demo in a pty: the lab is up while the
// explorer runs, and q or SIGINT ends both, the lab taken down.
func TestDemoExplorer(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.Serialize(t, nstest.LabLock)
	if _, err := os.Lstat(demo.StateFile); err == nil {
		t.Fatalf("a lab is up (%s): run nsdive demo down first", demo.StateFile)
	}
	t.Cleanup(func() { runNsdive(t, "demo", "down", "-q") })
	for _, tc := range []struct {
		name string
		end  func(r *explorerRun)
	}{
		{"q", func(r *explorerRun) { r.ptmx.WriteString("q") }},
		{"SIGINT", func(r *explorerRun) { r.cmd.Process.Signal(unix.SIGINT) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := startExplorer(t, "demo", "-q")
			r.waitText(t, "namespaces")
			if stdout, _, code := runNsdive(t, "demo", "status"); code != 0 {
				t.Errorf("nsdive demo status while the explorer runs: exit %d\n%s", code, stdout)
			}
			tc.end(r)
			if code := r.wait(t); code != 0 {
				t.Errorf("exit status %d, want 0", code)
			}
			r.checkRestored(t)
			if _, err := os.Lstat(demo.StateFile); err == nil {
				t.Errorf("the lab is still up after the explorer ended")
			}
		})
	}
}

// TestDemoUpInterrupted sends SIGINT, SIGTERM and SIGHUP (an SSH session
// that drops) to nsdive demo up part-way, each time while a different
// step runs: it exits 1 with one line saying so, and nothing of the lab
// is left: no process, mount, cgroup, persisted netns, link or state
// file, and demo status says the lab is missing.
func TestDemoUpInterrupted(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.Serialize(t, nstest.LabLock)
	if left := demo.Leftovers(); len(left) > 0 {
		t.Fatalf("a lab is up, or left: %v: run nsdive demo down first", left)
	}
	t.Cleanup(func() { runNsdive(t, "demo", "down", "-q") })
	for _, tt := range []struct {
		sig   unix.Signal
		after string // the printed command after which the signal goes
	}{
		{unix.SIGINT, "# ip -n lab-net link add lab-br type bridge"},
		{unix.SIGTERM, "-u hostname lab-web"},
		{unix.SIGHUP, "-u hostname lab-cache"},
	} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			cmd := exec.Command(nsdiveBin, "demo", "up")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill() })
			var last string
			sent := false
			lines := bufio.NewScanner(stderr)
			for lines.Scan() {
				last = lines.Text()
				if !sent && strings.Contains(last, tt.after) {
					if err := cmd.Process.Signal(tt.sig); err != nil {
						t.Fatal(err)
					}
					sent = true
				}
			}
			err = cmd.Wait()
			if !sent {
				t.Fatalf("nsdive demo up never printed %q (%v)", tt.after, err)
			}
			if cmd.ProcessState.ExitCode() != 1 || !strings.HasPrefix(last, "nsdive demo: ") || !strings.Contains(last, "interrupted: what was built so far is taken down") {
				t.Errorf("after %s: exit %d, last line %q; want 1 and one line saying it was cancelled", tt.sig, cmd.ProcessState.ExitCode(), last)
			}
			if left := demo.Leftovers(); len(left) > 0 {
				t.Errorf("after %s, left behind: %v", tt.sig, left)
			}
			if out, err := exec.Command("ip", "-o", "link", "show").Output(); err != nil || strings.Contains(string(out), "lab-") {
				t.Errorf("after %s, the host's links: %v\n%s", tt.sig, err, out)
			}
			stdout, _, code := runNsdive(t, "demo", "status")
			if code != 1 || !strings.Contains(string(stdout), "MISSING") {
				t.Errorf("nsdive demo status after %s: exit %d, want 1\n%s", tt.sig, code, stdout)
			}
		})
	}
}
