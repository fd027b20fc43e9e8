package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// These tests run the nsdive binary, built once by TestMain, against the
// namespaces nstest builds (see main_fixtures_test.go) and, in
// lsns_test.go, against lsns.

// nsdiveBin is the binary under test.
var nsdiveBin string

// TestMain builds the binary into a temporary directory, runs the tests
// and fails the run if they left a namespace, mount or process behind.
func TestMain(m *testing.M) {
	nstest.RunUDPEchoIfAsked()
	dir, err := os.MkdirTemp("", "nsdive-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Other users run the binary too (unprivileged_test.go).
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	nsdiveBin = filepath.Join(dir, "nsdive")
	if out, err := exec.Command("go", "build", "-buildvcs=false", "-o", nsdiveBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	if left := nstest.Leftovers(); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "the tests left behind:\n  %s\n", strings.Join(left, "\n  "))
		code = 1
	}
	os.Exit(code)
}

// runNsdive runs the binary and returns what it wrote and its exit status.
func runNsdive(t *testing.T, args ...string) (stdout, stderr []byte, code int) {
	t.Helper()
	return runNsdiveAs(t, nil, args...)
}

// runNsdiveAs is runNsdive as another user, or as this one when cred is nil.
func runNsdiveAs(t *testing.T, cred *syscall.Credential, args ...string) (stdout, stderr []byte, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(nsdiveBin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("nsdive %s: %v", strings.Join(args, " "), err)
	}
	return out.Bytes(), errOut.Bytes(), code
}

// nsdiveJSON runs the binary, which must succeed, and decodes its output
// into v.
func nsdiveJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	stdout, stderr, code := runNsdive(t, args...)
	if code != 0 {
		t.Fatalf("nsdive %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	if err := json.Unmarshal(stdout, v); err != nil {
		t.Fatalf("nsdive %s: %v\n%s", strings.Join(args, " "), err, stdout)
	}
}

func TestBadInputExits1(t *testing.T) {
	gone := strconv.Itoa(nstest.NoSuchPID(t))
	tests := []struct {
		args []string
		want string // in the first line of stderr
	}{
		{[]string{"list", "-t", "bogus"}, `"bogus"`},
		{[]string{"list", "-p", gone}, gone},
		{[]string{"list", "-o", "NS,NOPE"}, `"NOPE"`},
		{[]string{"bogus-command"}, `"bogus-command"`},
		{[]string{"list", "--details"}, "--json"},
		{[]string{"mounts", "-p", gone}, gone},
		{[]string{"list", "-o", ""}, "-o"},
		{[]string{"list", "-p", "0x7ea4"}, `"0x7ea4"`},
		{[]string{"list", "1"}, "namespace 1 not found"},
		{[]string{"--bogus"}, "--bogus"},
		{[]string{"-J"}, "-J"},
		{[]string{"explore", "-t", "foo"}, "-t"},
		{[]string{"ps", "extra"}, `"extra"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			stdout, stderr, code := runNsdive(t, tt.args...)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if len(stdout) != 0 {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			first, _, _ := strings.Cut(string(stderr), "\n")
			if !strings.HasPrefix(first, "nsdive") || !strings.Contains(first, tt.want) {
				t.Errorf("first line of stderr %q: want it to start with \"nsdive\" and name %s", first, tt.want)
			}
		})
	}
}

func TestListJSON(t *testing.T) {
	nstest.RequireRoot(t)
	f := startFixtures(t)
	var out lsnsOutput
	nsdiveJSON(t, &out, "list", "--json")
	got := out.byNS()
	for _, typ := range nstest.Types {
		r, ok := got[f.nested.ns[typ]]
		switch {
		case !ok:
			t.Errorf("the fixture's %s namespace %d is missing", typ, f.nested.ns[typ])
		case r.Type != typ || r.NProcs != f.nested.NProcs(typ) || r.PID == nil || *r.PID != f.nested.Lowest(typ):
			t.Errorf("the fixture's %s namespace: %+v, want type %s, %d processes, pid %d", typ, r, typ, f.nested.NProcs(typ), f.nested.Lowest(typ))
		case r.User == nil || *r.User != "root" || r.Command == nil || *r.Command == "":
			t.Errorf("the fixture's %s namespace: user %v, command %v; want root and a command", typ, r.User, r.Command)
		}
	}
	// Namespaces that no process is in are listed too, whatever holds
	// them: lsns lists the bound and the fd-held ones.
	for _, held := range []struct {
		name string
		ino  uint64
	}{{"bound at /run/netns", f.mounted}, {"held by a descriptor", f.fdHeld}, {"held by a socket", f.sockHeld}} {
		if r, ok := got[held.ino]; !ok || r.Type != "net" || r.NProcs != 0 || r.PID != nil {
			t.Errorf("the net namespace %s (%d): %+v (present %v), want net with no process", held.name, held.ino, r, ok)
		}
	}
	// The lsns members, and only those, in lsns's order (flat, as lsns -J -l).
	var raw struct{ Namespaces []json.RawMessage }
	nsdiveJSON(t, &raw, "list", "--json", "--list")
	keys, err := objectKeys(raw.Namespaces[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ns", "type", "nprocs", "pid", "user", "command"}; !slices.Equal(keys, want) {
		t.Errorf("members %v, want %v", keys, want)
	}
}

// objectKeys returns the member names of a JSON object, in order.
func objectKeys(object []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(object))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var keys []string
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, key.(string))
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// snapshotJSON is the part of nsdive.snapshot/v1 the tests look at.
type snapshotJSON struct {
	Schema     string `json:"schema"`
	InitialPID int    `json:"initial_pid"`
	Namespaces []struct {
		lsnsRow
		Initial bool  `json:"initial"`
		PIDs    []int `json:"pids"`
		Holders []struct {
			Kind  string `json:"kind"`
			Path  string `json:"path"`
			MntNS uint64 `json:"mntns"`
			PID   int    `json:"pid"`
			FD    int    `json:"fd"`
		} `json:"holders"`
		Parent  *uint64 `json:"parent"`
		Owner   *uint64 `json:"owner"`
		Details *struct {
			UTS *struct {
				Hostname string `json:"hostname"`
			} `json:"uts"`
			User *struct {
				UIDMap []struct {
					Inside  uint32 `json:"inside"`
					Outside uint32 `json:"outside"`
				} `json:"uid_map"`
			} `json:"user"`
			Error string `json:"error"`
		} `json:"details"`
	} `json:"namespaces"`
	Processes []struct {
		PID        int                `json:"pid"`
		TGID       int                `json:"tgid"`
		StartTime  uint64             `json:"start_time"`
		NSpid      []int              `json:"nspid"`
		Namespaces map[string]*uint64 `json:"namespaces"`
		NotInitial []string           `json:"not_initial"`
	} `json:"processes"`
}

func TestListDetailsJSON(t *testing.T) {
	nstest.RequireRoot(t)
	f := startFixtures(t)
	var snap snapshotJSON
	nsdiveJSON(t, &snap, "list", "--json", "--details")
	if snap.Schema != "nsdive.snapshot/v1" {
		t.Errorf("schema %q, want nsdive.snapshot/v1", snap.Schema)
	}
	byNS := make(map[uint64]int)
	for i, ns := range snap.Namespaces {
		byNS[ns.NS] = i
	}
	selfMnt := nstest.IDAt("/proc/self/ns/mnt").Ino
	userNS := f.nested.ns["user"]

	for _, typ := range nstest.Types {
		i, ok := byNS[f.nested.ns[typ]]
		if !ok {
			t.Errorf("the fixture's %s namespace is missing", typ)
			continue
		}
		ns := snap.Namespaces[i]
		if ns.Type != typ || ns.NProcs != f.nested.NProcs(typ) || !slices.Contains(ns.PIDs, f.nested.Init) || ns.Initial {
			t.Errorf("the fixture's %s namespace: type %s, nprocs %d, pids %v, initial %v; want %d processes with %d, not initial",
				typ, ns.Type, ns.NProcs, ns.PIDs, ns.Initial, f.nested.NProcs(typ), f.nested.Init)
		}
		if typ != "user" && (ns.Owner == nil || *ns.Owner != userNS) {
			t.Errorf("the fixture's %s namespace: owner %v, want %d", typ, ns.Owner, userNS)
		}
	}
	if i, ok := byNS[f.nested.ns["uts"]]; ok {
		if d := snap.Namespaces[i].Details; d == nil || d.UTS == nil || d.UTS.Hostname != "nsdive-t" {
			t.Errorf("uts details %+v, want hostname nsdive-t", d)
		}
	}
	if i, ok := byNS[userNS]; ok {
		d := snap.Namespaces[i].Details
		if d == nil || d.User == nil || len(d.User.UIDMap) != 1 || d.User.UIDMap[0].Inside != 0 || d.User.UIDMap[0].Outside != 0 {
			t.Errorf("user details %+v, want uid_map 0 0 1", d)
		}
	}

	for _, held := range []struct {
		name, kind, path string
		ino              uint64
		mntns            uint64
		pid, fd          int
	}{
		{"bound at /run/netns", "mount", "/run/netns/" + nstest.Name, f.mounted, selfMnt, 0, 0},
		{"held by a descriptor", "fd", "", f.fdHeld, 0, f.fdHolder, 3},
		{"held by a socket", "socket", "", f.sockHeld, 0, os.Getpid(), f.sock},
	} {
		i, ok := byNS[held.ino]
		if !ok {
			t.Errorf("the net namespace %s (%d) is missing", held.name, held.ino)
			continue
		}
		ns := snap.Namespaces[i]
		if ns.Type != "net" || ns.NProcs != 0 || len(ns.PIDs) != 0 || ns.PID != nil {
			t.Errorf("the net namespace %s: type %s, nprocs %d, pids %v; want net with none", held.name, ns.Type, ns.NProcs, ns.PIDs)
		}
		found := false
		for _, h := range ns.Holders {
			found = found || (h.Kind == held.kind && h.Path == held.path && h.MntNS == held.mntns && h.PID == held.pid && h.FD == held.fd)
		}
		if !found {
			t.Errorf("the net namespace %s: holders %+v, want %s", held.name, ns.Holders, held.kind)
		}
	}

	var sleep, self bool
	for _, p := range snap.Processes {
		if p.StartTime == 0 {
			t.Errorf("process %d has no start time", p.PID)
		}
		switch p.PID {
		case f.nested.Init:
			sleep = true
			if !slices.Equal(p.NSpid, []int{f.nested.Init, 1}) || len(p.NotInitial) != 10 {
				t.Errorf("the fixture's sleep: nspid %v, not_initial %v; want [%d 1] and all ten links", p.NSpid, p.NotInitial, f.nested.Init)
			}
			for _, typ := range nstest.Types {
				if id := p.Namespaces[typ]; id == nil || *id != f.nested.ns[typ] {
					t.Errorf("the fixture's sleep: %s namespace %v, want %d", typ, id, f.nested.ns[typ])
				}
			}
		case os.Getpid():
			self = true
		}
	}
	if !sleep || !self {
		t.Errorf("processes: the fixture's sleep present %v, the test present %v; want both", sleep, self)
	}
}

func TestListTask(t *testing.T) {
	nstest.RequireRoot(t)
	n := startNested(t)
	var out lsnsOutput
	nsdiveJSON(t, &out, "list", "--json", "--list", "-p", strconv.Itoa(n.Init))
	got := make(map[string]uint64)
	for _, r := range out.Namespaces {
		if _, dup := got[r.Type]; dup {
			t.Errorf("two %s namespaces: %d and %d", r.Type, got[r.Type], r.NS)
		}
		got[r.Type] = r.NS
	}
	if len(out.Namespaces) != 8 || len(got) != 8 {
		t.Errorf("%d namespaces of %d types, want 8", len(out.Namespaces), len(got))
	}
	for _, typ := range nstest.Types {
		if got[typ] != n.ns[typ] {
			t.Errorf("%s namespace %d, want %d", typ, got[typ], n.ns[typ])
		}
	}
}

// TestTreeRelationAsSeparateArgument checks that "-T owner", which leaves
// the optional relation as an argument, means what --tree=owner means. It
// lists only the test's own namespaces (-p), which stay put while the
// host's come and go, so that two runs can be compared byte for byte.
func TestTreeRelationAsSeparateArgument(t *testing.T) {
	self := strconv.Itoa(os.Getpid())
	trees := make(map[string][]byte)
	for _, relation := range []string{"owner", "parent"} {
		separate, stderr, code := runNsdive(t, "list", "-T", relation, "-p", self, "-o", "NS,TYPE", "--json")
		if code != 0 {
			t.Fatalf("list -T %s: exit %d\n%s", relation, code, stderr)
		}
		joined, _, _ := runNsdive(t, "list", "--tree="+relation, "-p", self, "-o", "NS,TYPE", "--json")
		if !bytes.Equal(separate, joined) {
			t.Errorf("list -T %s printed\n%s\nlist --tree=%s printed\n%s", relation, separate, relation, joined)
		}
		trees[relation] = separate
	}
	if bytes.Equal(trees["owner"], trees["parent"]) {
		t.Errorf("the owner and parent trees of the test's namespaces are the same:\n%s", trees["owner"])
	}
	if _, stderr, code := runNsdive(t, "list", "-T", "sideways"); code != 1 || !strings.Contains(string(stderr), `invalid namespace "sideways"`) {
		t.Errorf("list -T sideways: exit %d, stderr %q; want exit 1 rejecting the namespace", code, stderr)
	}
}
