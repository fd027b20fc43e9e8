package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

// These tests check what lsns 2.42.2 does and scripts notice, each on
// namespaces the test builds.

// bindNetnsTwice adds a network namespace at /run/netns/NAME and binds it
// again at a path with a space in it; the cleanup unmounts the second.
//
// Equivalent to: ip netns add NAME; touch 'DIR/a b'; mount --bind /run/netns/NAME 'DIR/a b'
func bindNetnsTwice(t *testing.T, name string) (ino uint64, first, second string) {
	t.Helper()
	id := nstest.AddNetns(t, name)
	first = "/run/netns/" + name
	second = filepath.Join(t.TempDir(), "a b")
	if err := os.WriteFile(second, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount(first, second, "", unix.MS_BIND, ""); err != nil {
		t.Fatalf("mount --bind %s %q: %v", first, second, err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(second, unix.MNT_DETACH); err != nil {
			t.Errorf("umount %q: %v", second, err)
		}
	})
	return id.Ino, first, second
}

// TestListNetColumns checks -t net's default columns, NETNSID as a JSON
// string, and several NSFS paths a line each (a comma in -r, whose cells
// escape spaces as \x20).
func TestListNetColumns(t *testing.T) {
	nstest.RequireRoot(t)
	ino, first, second := bindNetnsTwice(t, nstest.Name+"-nsfs")

	var raw struct{ Namespaces []json.RawMessage }
	nsdiveJSON(t, &raw, "list", "-t", "net", "--json", "--list")
	var row map[string]json.RawMessage
	for _, r := range raw.Namespaces {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(r, &m); err != nil {
			t.Fatal(err)
		}
		if string(m["ns"]) == strconv.FormatUint(ino, 10) {
			row = m
		}
	}
	if row == nil {
		t.Fatalf("list -t net --json does not list the bound namespace %d", ino)
	}
	keys, err := objectKeys(raw.Namespaces[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ns", "type", "nprocs", "pid", "user", "netnsid", "nsfs", "command"}; !slices.Equal(keys, want) {
		t.Errorf("list -t net: members %v, want lsns's %v", keys, want)
	}
	var netnsid string
	if err := json.Unmarshal(row["netnsid"], &netnsid); err != nil || netnsid == "" || (netnsid != "unassigned" && strings.Trim(netnsid, "0123456789") != "") {
		t.Errorf("netnsid %s, want a string: a number or \"unassigned\" (%v)", row["netnsid"], err)
	}
	var nsfs string
	if err := json.Unmarshal(row["nsfs"], &nsfs); err != nil || nsfs != first+"\n"+second {
		t.Errorf("nsfs %s, want %q", row["nsfs"], first+"\n"+second)
	}

	table, _, code := runNsdive(t, "list", "-t", "net", "-o", "NS,NSFS")
	lines := strings.Split(string(table), "\n")
	i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, strconv.FormatUint(ino, 10)+" ") })
	if code != 0 || i < 0 || i+1 >= len(lines) || !strings.HasSuffix(lines[i], " "+first) || strings.TrimSpace(lines[i+1]) != second {
		t.Errorf("list -t net -o NS,NSFS: exit %d, want %s then %q on the next line under it, got\n%s", code, first, second, table)
	}

	rawOut, _, _ := runNsdive(t, "list", "-t", "net", "-r", "-o", "NS,NSFS")
	want := fmt.Sprintf("%d %s,%s\n", ino, first, strings.ReplaceAll(second, " ", `\x20`))
	if !strings.Contains(string(rawOut), want) {
		t.Errorf("list -t net -r -o NS,NSFS: no line %q in\n%s", want, rawOut)
	}
}

// TestListRawEscapes checks that -r writes a command's spaces as \x20,
// as lsns does, so that every cell is one word.
func TestListRawEscapes(t *testing.T) {
	nstest.RequireRoot(t)
	n := startNested(t)
	out, stderr, code := runNsdive(t, "list", "-r", "-n", "-t", "pid", "-p", strconv.Itoa(n.Init), "-o", "NS,COMMAND")
	if want := fmt.Sprintf("%d sleep\\x201000\n", n.ns["pid"]); code != 0 || string(out) != want {
		t.Errorf("list -r: exit %d, printed %q, want %q\n%s", code, out, want, stderr)
	}
}

// TestListDecimalPID checks that -p reads a leading zero as decimal, as
// lsns does, where strconv's base 0 would read octal.
func TestListDecimalPID(t *testing.T) {
	nstest.RequireRoot(t)
	n := startNested(t)
	var out lsnsOutput
	nsdiveJSON(t, &out, "list", "--json", "--list", "-t", "uts", "-p", "0"+strconv.Itoa(n.Init))
	if len(out.Namespaces) != 1 || out.Namespaces[0].NS != n.ns["uts"] {
		t.Errorf("list -p 0%d: %+v, want the uts namespace %d of %d", n.Init, out.Namespaces, n.ns["uts"], n.Init)
	}
}

// TestListNamespaceMembers checks that a NAMESPACE argument lists the
// processes in it, as lsns NAMESPACE does, and that an inode that is no
// namespace is an error.
func TestListNamespaceMembers(t *testing.T) {
	nstest.RequireRoot(t)
	n := startNested(t)
	var raw struct{ Namespaces []json.RawMessage }
	nsdiveJSON(t, &raw, "list", "--json", "--list", strconv.FormatUint(n.ns["user"], 10))
	if len(raw.Namespaces) != n.NProcs("user") {
		t.Fatalf("list USERNS: %d rows, want one for each of its %d processes", len(raw.Namespaces), n.NProcs("user"))
	}
	keys, err := objectKeys(raw.Namespaces[0])
	if want := []string{"pid", "ppid", "user", "command"}; err != nil || !slices.Equal(keys, want) {
		t.Errorf("members %v (%v), want lsns's %v", keys, err, want)
	}
	var members struct {
		Namespaces []struct {
			PID int `json:"pid"`
		} `json:"namespaces"`
	}
	nsdiveJSON(t, &members, "list", "--json", "--list", strconv.FormatUint(n.ns["user"], 10))
	var pids []int
	for _, m := range members.Namespaces {
		pids = append(pids, m.PID)
	}
	if !slices.Contains(pids, n.Init) || !slices.Contains(pids, n.Lowest("user")) {
		t.Errorf("list USERNS lists pids %v, want %d and %d among them", pids, n.Lowest("user"), n.Init)
	}
	// The tree nests the sleep under its parent, the unshare.
	table, _, _ := runNsdive(t, "list", strconv.FormatUint(n.ns["user"], 10))
	if !strings.Contains(string(table), "└─sleep 1000") {
		t.Errorf("list USERNS: want the sleep nested under unshare:\n%s", table)
	}

	for _, args := range [][]string{{"list", "1"}, {"list", "-t", "net", strconv.FormatUint(n.ns["user"], 10)}} {
		stdout, stderr, code := runNsdive(t, args...)
		if code != 1 || len(stdout) != 0 || !strings.Contains(string(stderr), "not found") {
			t.Errorf("nsdive %s: exit %d, stdout %q, stderr %q; want exit 1, namespace not found", strings.Join(args, " "), code, stdout, stderr)
		}
	}
}

// childOf returns the first child of process pid, or 0.
func childOf(pid int) int {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	first, _, _ := strings.Cut(strings.TrimSpace(string(data)), " ")
	child, _ := strconv.Atoi(first)
	return child
}

// startUTSNesting builds three uts namespaces whose process tree differs
// from their order by inode: a (a shell's), b (an unrelated sleep's) and c
// (the shell's child's), which lsns's process tree shows under a when a
// comes first. Inode numbers are handed out lowest free first, so it tries
// until b lies between a and c.
//
// Equivalent to: unshare --uts sh -c 'wait for F; unshare --uts sleep 1000' & unshare --uts sleep 1000 & touch F
func startUTSNesting(t *testing.T) (a, b, c uint64) {
	t.Helper()
	self := nstest.MustIDAt(t, "/proc/self/ns/uts")
	for attempt := 0; attempt < 10; attempt++ {
		flag := filepath.Join(t.TempDir(), "go")
		shell := nstest.Start(t, "unshare", "--uts", "sh", "-c", fmt.Sprintf("while [ ! -e %s ]; do sleep 0.01; done; unshare --uts sleep 1000", flag))
		shell.WaitUntil(t, "a shell in a new uts namespace", func() bool {
			id := nstest.IDOf(shell.PID(), "uts")
			return nstest.Comm(shell.PID()) == "sh" && !id.IsZero() && id != self
		})
		other := nstest.Start(t, "unshare", "--uts", "sleep", "1000")
		other.WaitUntil(t, "a sleep in a new uts namespace", func() bool {
			id := nstest.IDOf(other.PID(), "uts")
			return nstest.Comm(other.PID()) == "sleep" && !id.IsZero() && id != self
		})
		if err := os.WriteFile(flag, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		a, b = nstest.IDOf(shell.PID(), "uts").Ino, nstest.IDOf(other.PID(), "uts").Ino
		shell.WaitUntil(t, "the shell's child to sleep in a third uts namespace", func() bool {
			child := childOf(shell.PID())
			id := nstest.IDOf(child, "uts")
			c = id.Ino
			return child != 0 && nstest.Comm(child) == "sleep" && !id.IsZero() && c != a && id != self
		})
		if a < b && b < c {
			return a, b, c
		}
		shell.Kill(t)
		other.Kill(t)
	}
	t.Fatal("could not get uts namespaces whose inodes differ from their process tree in 10 tries")
	return 0, 0, 0
}

// nsOrder returns the inodes of a listing's NS column (the first), in
// the order printed, keeping only those in want.
func nsOrder(out []byte, want ...uint64) []uint64 {
	var got []uint64
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		ino, err := strconv.ParseUint(strings.TrimLeft(fields[0], "├└│─ "), 10, 64)
		if err == nil && slices.Contains(want, ino) {
			got = append(got, ino)
		}
	}
	return got
}

// TestListFlatWithoutCommand checks that, as in lsns, only the default
// columns nest rows by process: --output-all and an -o without COMMAND
// print a flat list ordered by NS.
func TestListFlatWithoutCommand(t *testing.T) {
	nstest.RequireRoot(t)
	a, b, c := startUTSNesting(t)
	sorted := []uint64{a, b, c}
	slices.Sort(sorted)
	tree, _, _ := runNsdive(t, "list", "-t", "uts")
	if got := nsOrder(tree, a, b, c); slices.Equal(got, sorted) {
		t.Fatalf("the fixture does not nest: list -t uts printed %v in inode order\n%s", got, tree)
	}
	for _, args := range [][]string{{"-o", "NS,PID"}, {"--output-all"}, {"-o", "NS,PID", "--tree=process"}} {
		out, stderr, code := runNsdive(t, append([]string{"list", "-t", "uts"}, args...)...)
		if got := nsOrder(out, a, b, c); code != 0 || !slices.Equal(got, sorted) {
			t.Errorf("list -t uts %s: exit %d, namespaces in the order %v, want %v\n%s", strings.Join(args, " "), code, got, sorted, stderr)
		}
	}
}

// TestListUserNamespaceOwner checks that a user namespace no process is
// in shows the uid that created it (NS_GET_OWNER_UID) in UID and USER,
// as lsns does.
func TestListUserNamespaceOwner(t *testing.T) {
	nstest.RequireRoot(t)
	self := nstest.MustIDAt(t, "/proc/self/ns/user")
	creator := nstest.Start(t, "setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "unshare", "--user", "sleep", "1000")
	var id nstest.ID
	creator.WaitUntil(t, "nobody's sleep in a new user namespace", func() bool {
		id = nstest.IDOf(creator.PID(), "user")
		return nstest.Comm(creator.PID()) == "sleep" && !id.IsZero() && id != self
	})
	holder := nstest.Start(t, "sh", "-c", fmt.Sprintf("exec 3</proc/%d/ns/user && exec sleep 1000", creator.PID()))
	holder.WaitUntil(t, "the holder to open the user namespace as fd 3", func() bool {
		target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/3", holder.PID()))
		return target == fmt.Sprintf("user:[%d]", id.Ino) && nstest.Comm(holder.PID()) == "sleep"
	})
	creator.Kill(t)
	var out struct {
		Namespaces []struct {
			NS     uint64  `json:"ns"`
			NProcs int     `json:"nprocs"`
			UID    *int    `json:"uid"`
			User   *string `json:"user"`
		} `json:"namespaces"`
	}
	nsdiveJSON(t, &out, "list", "--json", "-t", "user", "-o", "NS,NPROCS,UID,USER,HOLDERS")
	for _, r := range out.Namespaces {
		if r.NS != id.Ino {
			continue
		}
		if r.NProcs != 0 || r.UID == nil || *r.UID != 65534 || r.User == nil || *r.User != "nobody" {
			t.Errorf("the user namespace nobody made, held by a descriptor: nprocs %d, uid %v, user %v; want 0, 65534, nobody", r.NProcs, r.UID, r.User)
		}
		return
	}
	t.Errorf("list -o +HOLDERS does not list the user namespace %d held by fd 3 of %d", id.Ino, holder.PID())
}

// TestMountsSourceRoot checks that SOURCE shows device[root] as findmnt
// does when the mount's root is not the filesystem's: here the nsfs mount
// at /run/netns/NAME, whose root names the namespace.
func TestMountsSourceRoot(t *testing.T) {
	nstest.RequireRoot(t)
	id := nstest.AddNetns(t, nstest.Name+"-source")
	out, stderr, code := runNsdive(t, "mounts")
	want := fmt.Sprintf("nsfs[net:[%d]]", id.Ino)
	for line := range strings.Lines(string(out)) {
		if fields := strings.Fields(line); len(fields) > 2 && fields[1] == "/run/netns/"+nstest.Name+"-source" {
			if fields[2] != want {
				t.Errorf("SOURCE of /run/netns/%s-source is %q, want %q", nstest.Name, fields[2], want)
			}
			return
		}
	}
	t.Errorf("mounts: exit %d, no row for /run/netns/%s-source in\n%s%s", code, nstest.Name, out, stderr)
}
