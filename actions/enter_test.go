package actions

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/nsexec"
	"github.com/nsdive/nsdive/internal/nstest"
)

// enter runs args in target's namespaces as opts say and returns its
// standard output and error.
func enter(t *testing.T, target *Target, opts EnterOptions, args ...string) (stdout, stderr string) {
	t.Helper()
	opts.Args = args
	e, err := Enter(target, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	e.Cmd.Stdout, e.Cmd.Stderr = &out, &errOut
	if err := e.Finish(e.Cmd.Run()); err != nil {
		t.Fatalf("%s: %v\nstderr: %s", e.Command, err, errOut.String())
	}
	return out.String(), errOut.String()
}

func targetOf(t *testing.T, pid int) *Target {
	t.Helper()
	target, err := TargetPID(pid)
	if err != nil {
		t.Fatal(err)
	}
	return &target
}

func TestEnterEachType(t *testing.T) {
	nstest.RequireRoot(t)
	n := nstest.StartNested(t)
	target := targetOf(t, n.Init)
	hostUptime := uptime(t, mustRead(t, "/proc/uptime"))
	for _, tc := range []struct {
		name  string
		types inspect.TypeSet
		args  []string
		check func(t *testing.T, out string)
	}{
		{"uts", inspect.TypesOf(inspect.UTS), []string{"hostname"}, func(t *testing.T, out string) {
			if out != nstest.NestedHostname+"\n" {
				t.Errorf("hostname = %q, want %q", out, nstest.NestedHostname)
			}
		}},
		{"user", inspect.TypesOf(inspect.User), []string{"id", "-u"}, func(t *testing.T, out string) {
			if out != "0\n" {
				t.Errorf("id -u = %q, want 0 (root mapped to root)", out)
			}
		}},
		{"pid", inspect.TypesOf(inspect.PID), []string{"readlink", "/proc/self/ns/pid"}, func(t *testing.T, out string) {
			if want := fmt.Sprintf("pid:[%d]\n", n.NS["pid"].Ino); out != want {
				t.Errorf("the command's pid namespace is %q, want the target's %q", out, want)
			}
		}},
		{"pid and its /proc", inspect.TypesOf(inspect.PID, inspect.Mnt), []string{"sh", "-c", "echo $$ $(cat /proc/1/comm)"}, func(t *testing.T, out string) {
			fields := strings.Fields(out)
			if pid, _ := strconv.Atoi(fields[0]); len(fields) != 2 || pid < 2 || pid > 100 || fields[1] != "sleep" {
				t.Errorf("echo $$ $(cat /proc/1/comm) = %q, want a small pid and the target, sleep, as pid 1", out)
			}
		}},
		{"time", inspect.TypesOf(inspect.Time), []string{"cat", "/proc/uptime"}, func(t *testing.T, out string) {
			if got := uptime(t, out); got < hostUptime+nstest.NestedBoottime.Seconds()-1 {
				t.Errorf("uptime inside %.0f s, want the host's %.0f s plus the boottime offset %.0f s", got, hostUptime, nstest.NestedBoottime.Seconds())
			}
		}},
		{"net", inspect.TypesOf(inspect.Net), []string{"readlink", "/proc/self/ns/net"}, func(t *testing.T, out string) {
			if want := fmt.Sprintf("net:[%d]\n", n.NS["net"].Ino); out != want {
				t.Errorf("the command's net namespace is %q, want %q", out, want)
			}
		}},
		{"all", 0, []string{"sh", "-c", "hostname; id -u; ls /proc/self/ns | wc -l; cat /proc/1/comm"}, func(t *testing.T, out string) {
			if want := nstest.NestedHostname + "\n0\n10\nsleep\n"; out != want {
				t.Errorf("--all: %q, want %q", out, want)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := enter(t, target, EnterOptions{Types: tc.types, All: tc.types == 0, Quiet: true}, tc.args...)
			tc.check(t, out)
		})
	}
}

func TestEnterSeesTheTargetsMounts(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	p := nstest.Start(t, "unshare", "--mount", "--propagation", "private", "sh", "-c",
		"mount -t tmpfs "+nstest.Name+" "+dir+" && echo here >"+dir+"/only-here && exec sleep 1000")
	p.WaitUntil(t, "mounted", func() bool { return nstest.Comm(p.PID()) == "sleep" })
	if _, err := os.Stat(filepath.Join(dir, "only-here")); err == nil {
		t.Fatal("the file is visible outside the target's mount namespace")
	}
	out, stderr := enter(t, targetOf(t, p.PID()), EnterOptions{Types: inspect.TypesOf(inspect.Mnt)}, "cat", filepath.Join(dir, "only-here"))
	if out != "here\n" {
		t.Errorf("cat in the target's mount namespace: %q, want here", out)
	}
	if !strings.HasPrefix(stderr, "# running /") || !strings.HasSuffix(stderr, "/cat from the target's mount namespace\n") {
		t.Errorf("stderr %q, want the note of which cat ran", stderr)
	}
}

func TestEnterErrors(t *testing.T) {
	nstest.RequireRoot(t)
	self := targetOf(t, os.Getpid())
	notNS := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notNS, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		target *Target
		opts   EnterOptions
		want   string
	}{
		{"not a namespace", self, EnterOptions{Files: map[inspect.Type]string{inspect.Net: notNS}},
			"--ns net=" + notNS + ": not a namespace file: give /proc/PID/ns/net or a bind mount of one"},
		{"another type", self, EnterOptions{Files: map[inspect.Type]string{inspect.UTS: "/proc/self/ns/net"}},
			"--ns uts=/proc/self/ns/net: a net namespace, not uts"},
		{"own namespaces", self, EnterOptions{All: true},
			fmt.Sprintf("pid %d is in nsdive's own namespaces: nothing to enter", os.Getpid())},
		{"no types", self, EnterOptions{}, "no namespace to enter: give --all or the types (--net, --mount, ...)"},
		{"own user namespace", self, EnterOptions{Types: inspect.TypesOf(inspect.User)},
			fmt.Sprintf("pid %d is in nsdive's own namespaces: nothing to enter", os.Getpid())},
		{"no target", nil, EnterOptions{Types: inspect.TypesOf(inspect.Net)}, "net: give a target (-t) or the namespace's file (--ns net=FILE)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Args = []string{"true"}
			e, err := Enter(tc.target, tc.opts)
			if err == nil {
				e.Finish(nil)
				t.Fatal("no error")
			}
			if err.Error() != tc.want {
				t.Errorf("error %q, want %q", err, tc.want)
			}
		})
	}
}

func TestEnterCommandNotFound(t *testing.T) {
	nstest.RequireRoot(t)
	n := nstest.StartNested(t)
	e, err := Enter(targetOf(t, n.Init), EnterOptions{Types: inspect.TypesOf(inspect.Mnt), Args: []string{"nsdive-no-such-command"}})
	if err != nil {
		t.Fatal(err)
	}
	err = e.Finish(e.Cmd.Run())
	var nerr *nsexec.Error
	if !errors.As(err, &nerr) || nerr.Status != 127 || !strings.HasPrefix(nerr.Msg, "nsdive-no-such-command: command not found in the target's mount namespace") {
		t.Errorf("error %v, want a command not found in the target's mount namespace, status 127", err)
	}
}

func TestEnterLeavesNoThreadOrDescriptor(t *testing.T) {
	nstest.RequireRoot(t)
	n := nstest.StartNested(t)
	target := targetOf(t, n.Init)
	nstest.HammerWithoutLeaks(t, []nstest.Call{{Name: "enter --all", Fn: func() error {
		e, err := Enter(target, EnterOptions{All: true, Args: []string{"hostname"}, Quiet: true})
		if err != nil {
			return err
		}
		out, err := e.Cmd.Output()
		if err = e.Finish(err); err != nil {
			return err
		}
		if string(out) != nstest.NestedHostname+"\n" {
			return fmt.Errorf("hostname %q", out)
		}
		return nil
	}}})
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// uptime parses /proc/uptime's first field, in seconds.
func uptime(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(strings.Fields(s + " x")[0], 64)
	if err != nil {
		t.Fatalf("uptime %q: %v", s, err)
	}
	return f
}
