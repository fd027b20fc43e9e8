package actions

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/child"
	"github.com/nsdive/nsdive/internal/nstest"
)

// unshareOutput runs opts to the end and returns what the command printed.
func unshareOutput(t *testing.T, opts UnshareOptions) (string, error) {
	t.Helper()
	u, err := Unshare(opts)
	if err != nil {
		return "", err
	}
	var out, stderr bytes.Buffer
	u.Cmd.Stdout, u.Cmd.Stderr = &out, &stderr
	err = u.Finish(u.Cmd.Run())
	if stderr.Len() > 0 {
		t.Logf("%s: stderr: %s", u.Command, stderr.String())
	}
	return strings.TrimSpace(out.String()), err
}

func types(ts ...inspect.Type) inspect.TypeSet { return inspect.TypesOf(ts...) }

func TestUnshare(t *testing.T) {
	nstest.RequireRoot(t)
	rootProp := "private"
	if strings.Contains(mountinfoOfRoot(t, mustRead(t, "/proc/self/mountinfo")), "shared:") {
		rootProp = "shared"
	}
	showRoot := `awk '$5 == "/" { print ($7 ~ /shared:/) ? "shared" : "private" }' /proc/self/mountinfo`
	for _, tc := range []struct {
		name, want, command string
		opts                UnshareOptions
	}{
		{"pid 1 with a fresh proc", "1", `unshare --pid --fork --mount-proc -- sh -c 'echo $$'`,
			UnshareOptions{Types: types(inspect.PID), Fork: true, MountProc: "/proc", Args: []string{"sh", "-c", "echo $$"}}},
		{"root in a new user namespace", "0", "unshare --map-root-user -- id -u",
			UnshareOptions{MapRootUser: true, Args: []string{"id", "-u"}}},
		{"hostname", "nsdive-x", `unshare --uts -- sh -c 'hostname "$0" && exec "$@"' nsdive-x hostname`,
			UnshareOptions{Types: types(inspect.UTS), Hostname: "nsdive-x", Args: []string{"hostname"}}},
		{"time offsets", "monotonic       86400         0\nboottime        -3600         0",
			"unshare --time --fork --monotonic 86400 --boottime -3600 -- cat /proc/self/timens_offsets",
			UnshareOptions{Types: types(inspect.Time), Fork: true, Monotonic: 86400, SetMonotonic: true,
				Boottime: -3600, SetBoottime: true, Args: []string{"cat", "/proc/self/timens_offsets"}}},
		{"private propagation by default", "private", "unshare --mount -- sh -c " + shellQuote(showRoot),
			UnshareOptions{Types: types(inspect.Mnt), Args: []string{"sh", "-c", showRoot}}},
		{"unchanged propagation", rootProp, "unshare --mount --propagation unchanged -- sh -c " + shellQuote(showRoot),
			UnshareOptions{Types: types(inspect.Mnt), Propagation: "unchanged", Args: []string{"sh", "-c", showRoot}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := Unshare(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if u.Command != tc.command {
				t.Errorf("Command = %s\nwant      %s", u.Command, tc.command)
			}
			got, err := unshareOutput(t, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("printed %q, want %q", got, tc.want)
			}
		})
	}
}

// mountinfoOfRoot returns the mountinfo line of /.
func mountinfoOfRoot(t *testing.T, mountinfo string) string {
	for _, line := range strings.Split(mountinfo, "\n") {
		if f := strings.Fields(line); len(f) > 4 && f[4] == "/" {
			return line
		}
	}
	t.Fatal("no / in mountinfo")
	return ""
}

func TestUnshareBootClockMoves(t *testing.T) {
	nstest.RequireRoot(t)
	got, err := unshareOutput(t, UnshareOptions{Types: types(inspect.Time), Fork: true,
		Boottime: 86400, SetBoottime: true, Args: []string{"cat", "/proc/uptime"}})
	if err != nil {
		t.Fatal(err)
	}
	host := uptime(t, mustRead(t, "/proc/uptime"))
	if inside := uptime(t, got); inside < host+86400-60 || inside > host+86400+60 {
		t.Errorf("uptime inside %.0f s, outside %.0f s: want a day more", inside, host)
	}
}

func TestUnshareRefuses(t *testing.T) {
	exists := filepath.Join(t.TempDir(), "exists")
	if err := os.WriteFile(exists, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(filepath.Join(t.TempDir(), "nowhere"), link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		opts UnshareOptions
		want string
	}{
		{UnshareOptions{SetMonotonic: true, Monotonic: 5}, "--monotonic and --boottime need a new time namespace: add --time"},
		{UnshareOptions{Types: types(inspect.Mnt), Propagation: "rshared"}, `unsupported propagation mode "rshared"`},
		{UnshareOptions{Hostname: "x"}, "--hostname needs a new uts namespace: add --uts"},
		{UnshareOptions{Persist: []PersistSpec{{Type: inspect.Net, Path: exists}}}, exists + " already exists"},
		{UnshareOptions{Persist: []PersistSpec{{Type: inspect.Net, Path: link}}}, link + " already exists"},
		{UnshareOptions{Persist: []PersistSpec{{Type: inspect.PID, Path: exists + "-pid"}}}, "--persist pid=FILE needs --fork"},
	} {
		_, err := Unshare(tc.opts)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Unshare(%+v) = %v, want %q", tc.opts, err, tc.want)
		}
	}
	if _, err := os.Lstat(exists + "-pid"); err == nil {
		t.Error("a refused persist made its file")
	}
}

func TestUnsharePersistsAndRollsBack(t *testing.T) {
	nstest.RequireRoot(t)
	name := netnsName("unshare")
	netPath, _ := NetnsPath(name)
	removeAfter(t, netPath)
	utsPath := filepath.Join(t.TempDir(), "uts")
	removeAfter(t, utsPath)
	got, err := unshareOutput(t, UnshareOptions{
		Persist: []PersistSpec{{Type: inspect.Net, Path: netPath}, {Type: inspect.UTS, Path: utsPath}},
		Args:    []string{"readlink", "/proc/self/ns/net"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("net:[%d]", nstest.MustIDAt(t, netPath).Ino); got != want {
		t.Errorf("the command was in %s, the file holds %s", got, want)
	}
	out, err := exec.Command("ip", "netns", "exec", name, "ip", "-o", "link").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "lo:") {
		t.Errorf("ip netns exec %s: %v: %s", name, err, out)
	}
	if out, err := exec.Command("nsenter", "--uts="+utsPath, "hostname").CombinedOutput(); err != nil {
		t.Errorf("nsenter --uts=%s: %v: %s", utsPath, err, out)
	}

	for _, path := range []string{netPath, utsPath} {
		a, err := Release(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Run(); err != nil {
			t.Fatal(err)
		}
		checkGone(t, path)
	}

	// A failure part-way: the second file appears after the check.
	second := filepath.Join(t.TempDir(), "second")
	name2 := netnsName("unshare-rollback")
	first, _ := NetnsPath(name2)
	removeAfter(t, first)
	u, err := Unshare(UnshareOptions{Fork: true,
		Persist: []PersistSpec{{Type: inspect.Net, Path: first}, {Type: inspect.PID, Path: second}},
		Args:    []string{"sh", "-c", "echo ran"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(second, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var out2 bytes.Buffer
	u.Cmd.Stdout = &out2
	err = u.Finish(u.Cmd.Run())
	if err == nil || !strings.Contains(err.Error(), second+" already exists") {
		t.Errorf("err = %v, want that %s exists", err, second)
	}
	if out2.Len() > 0 {
		t.Errorf("the command ran: %q", out2.String())
	}
	checkGone(t, first)

	// A command that cannot run takes its persisted namespaces back.
	_, err = unshareOutput(t, UnshareOptions{Persist: []PersistSpec{{Type: inspect.Net, Path: first}},
		Args: []string{"nsdive-no-such-command"}})
	var cerr *child.Error
	if !errors.As(err, &cerr) || cerr.Status != 127 {
		t.Errorf("err = %v, want command not found", err)
	}
	checkGone(t, first)
}

func TestUnshareShowsInTheSnapshot(t *testing.T) {
	nstest.RequireRoot(t)
	opts := UnshareOptions{Types: types(inspect.Mnt, inspect.UTS, inspect.IPC, inspect.Net, inspect.PID, inspect.Cgroup, inspect.Time),
		MapRootUser: true, Fork: true, MountProc: "/proc", Args: []string{"sleep", "1000"}}
	u, err := Unshare(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Cmd.Start(); err != nil {
		t.Fatal(u.Finish(err))
	}
	t.Cleanup(func() {
		u.Cmd.Process.Kill()
		u.Finish(u.Cmd.Wait())
	})
	if err := u.Started(); err != nil {
		t.Fatal(err)
	}
	snap, err := inspect.Scan(context.Background(), inspect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := snap.Processes[u.Cmd.Process.Pid]
	if p == nil {
		t.Fatalf("pid %d is not in the snapshot", u.Cmd.Process.Pid)
	}
	for _, typ := range inspect.Types {
		id := p.Namespaces[inspect.LinkOf(typ)]
		if id.IsZero() || id == snap.Self()[inspect.LinkOf(typ)] {
			t.Errorf("%s namespace of the command: %v, nsdive's own is %v", typ, id, snap.Self()[inspect.LinkOf(typ)])
		}
	}
}

func TestUnshareLeavesNoThreadOrDescriptor(t *testing.T) {
	nstest.RequireRoot(t)
	cycle := func() error {
		path, _ := NetnsPath(netnsName("hammer"))
		u, err := Unshare(UnshareOptions{Types: types(inspect.UTS, inspect.Mnt, inspect.PID, inspect.Time),
			Fork: true, Hostname: "nsdive-hammer", Args: []string{"hostname"},
			Persist: []PersistSpec{{Type: inspect.Net, Path: path}}})
		if err != nil {
			return err
		}
		out, err := u.Cmd.Output()
		if err = u.Finish(err); err != nil {
			return err
		}
		if string(out) != "nsdive-hammer\n" {
			return fmt.Errorf("hostname %q", out)
		}
		release, err := Release(path)
		if err != nil {
			return err
		}
		return release.Run()
	}
	// Twice in the list: 8 goroutines run each call 10 times, so 160
	// create and release cycles.
	nstest.HammerWithoutLeaks(t, []nstest.Call{{Name: "unshare and persist", Fn: cycle}, {Name: "unshare and persist again", Fn: cycle}})
	for _, link := range []string{"pid", "time"} {
		own, _ := os.Readlink("/proc/self/ns/" + link)
		children, err := os.Readlink("/proc/self/ns/" + link + "_for_children")
		if err != nil || children != own {
			t.Errorf("nsdive's %s_for_children is %s (%v), its own %s", link, children, err, own)
		}
	}
}
