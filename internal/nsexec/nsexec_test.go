package nsexec

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

const nonce = "0123456789abcdef0123456789abcdef"

// TestHelperGo is what the test binary runs when the constructor leaves
// it to Go: it shows what Go sees.
func TestHelperGo(t *testing.T) {
	if os.Getenv("NSEXEC_TEST_HELPER") == "" {
		t.Skip("run by TestMarkerIsIgnoredUnlessNsdiveSetIt")
	}
	stdin, _ := os.ReadFile("/dev/stdin")
	fmt.Printf("go ran; marker %q; stdin %q", os.Getenv(marker), stdin)
}

// TestMarkerIsIgnoredUnlessNsdiveSetIt starts the test binary with the
// marker as a person or a program might set it by mistake, and checks
// that the constructor leaves the process to Go, reads nothing from the
// descriptor named, and hides the marker from Go.
func TestMarkerIsIgnoredUnlessNsdiveSetIt(t *testing.T) {
	valid := []string{magic, nonce, "4", "-", "0", "1", "true"}
	for _, tc := range []struct {
		name   string
		value  string
		memfd  []string // fd 3's contents, nil for none
		sealed bool
	}{
		{"garbage", "garbage", nil, false},
		{"stdin", "0:" + nonce, nil, false},
		{"no such descriptor", "3:" + nonce, nil, false},
		{"unsealed", "3:" + nonce, valid, false},
		{"another nonce", "3:" + strings.Repeat("f", 32), valid, true},
		{"another magic", "3:" + nonce, append([]string{"nsdive-nsexec/0"}, valid[1:]...), true},
		{"short nonce", "3:" + nonce[1:], valid, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperGo$")
			cmd.Env = append(os.Environ(), "NSEXEC_TEST_HELPER=1", marker+"="+tc.value)
			cmd.Stdin = strings.NewReader("nsdive-stdin")
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			if tc.memfd != nil {
				f := memfd(t, tc.memfd, tc.sealed)
				defer f.Close()
				cmd.ExtraFiles = []*os.File{f}
			}
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v\n%s%s", err, out.String(), errOut.String())
			}
			if want := `go ran; marker ""; stdin "nsdive-stdin"`; !strings.HasPrefix(out.String(), want) {
				t.Errorf("stdout %q, want %q", out.String(), want)
			}
			if want := "nsdive: ignoring _NSDIVE_NSEXEC: it was not set by nsdive\n"; !strings.HasPrefix(errOut.String(), want) {
				t.Errorf("stderr %q, want %q", errOut.String(), want)
			}
		})
	}
}

func memfd(t *testing.T, fields []string, sealed bool) *os.File {
	t.Helper()
	if sealed {
		f, err := sealedMemfd(fields)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	fd, err := unix.MemfdCreate("test", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(fd), "test")
	if _, err := f.WriteString(strings.Join(fields, "\x00") + "\x00"); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestCommandInheritsNothing runs a command through the helper and checks
// that it sees neither the marker nor any descriptor of the protocol.
func TestCommandInheritsNothing(t *testing.T) {
	nstest.RequireRoot(t)
	self, err := os.Open("/proc/self/ns/uts")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Command(Request{
		Namespaces: []Namespace{{File: self, Type: unix.CLONE_NEWUTS}},
		Args:       []string{"sh", "-c", `echo "${_NSDIVE_NSEXEC-unset}"; for fd in /proc/self/fd/*; do readlink $fd; done; true`},
	})
	if err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(p.errPipe.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	out, err := p.Cmd.Output()
	if err := p.Finish(err); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if lines[0] != "unset" {
		t.Errorf("the command saw the marker as %q", lines[0])
	}
	// Whatever the test binary inherited without close-on-exec is
	// passed on, as nsenter passes it on; nothing of the protocol is.
	for _, link := range lines[1:] {
		if strings.HasPrefix(link, "/memfd:nsdive-nsexec") || strings.HasPrefix(link, "uts:[") || link == fmt.Sprintf("pipe:[%d]", st.Ino) {
			t.Errorf("the command inherited %s", link)
		}
	}
}

// TestHelperErrorIsReported checks that a failure of the helper comes
// back as an *Error with a shell's status, and the command's own failure
// as its exit status.
func TestHelperErrorIsReported(t *testing.T) {
	notExecutable := t.TempDir() + "/file"
	if err := os.WriteFile(notExecutable, []byte("#!/bin/sh\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args   []string
		msg    string
		status int
	}{
		{[]string{"nsdive-no-such-command"}, "nsdive-no-such-command: command not found", 127},
		{[]string{notExecutable}, "run " + notExecutable + ": Permission denied", 126},
	} {
		p, err := Command(Request{Args: tc.args})
		if err != nil {
			t.Fatal(err)
		}
		err = p.Finish(p.Cmd.Run())
		e, ok := err.(*Error)
		if !ok || !strings.HasPrefix(e.Msg, tc.msg) || e.Status != tc.status {
			t.Errorf("%s: %v, want %q with status %d", tc.args[0], err, tc.msg, tc.status)
		}
	}
	p, err := Command(Request{Args: []string{"sh", "-c", "exit 7"}})
	if err != nil {
		t.Fatal(err)
	}
	err = p.Finish(p.Cmd.Run())
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 7 {
		t.Errorf("sh -c 'exit 7': %v, want exit status 7", err)
	}
}
