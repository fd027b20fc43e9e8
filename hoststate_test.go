package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// What the container test changes on the host outside its own directory,
// and how it puts it back: the engines' bridges, nftables tables,
// net.ipv4.ip_forward and directories, mounts left below its directory,
// and a lock so that runs from several worktrees take turns.

// lockEngines waits, for up to five minutes, until no other run of this
// test holds the engines; t.Cleanup lets them go after every other
// cleanup. The lock is flock(2) on the dockerd binary: a file that every
// run has, so the lock leaves nothing behind, and that the kernel
// releases if the test binary dies.
func lockEngines(t *testing.T) {
	path, err := exec.LookPath("dockerd")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
		if time.Now().After(deadline) {
			f.Close()
			t.Fatalf("another run of this test has held %s for five minutes", path)
		}
		time.Sleep(time.Second)
	}
	t.Cleanup(func() { f.Close() })
}

// unmountUnder detaches every mount below dir, deepest first: what the
// storage drivers leave when a daemon dies before unmounting.
func unmountUnder(t *testing.T, dir string) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Error(err)
		return
	}
	var targets []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) > 4 && (f[4] == dir || strings.HasPrefix(f[4], dir+"/")) {
			targets = append(targets, f[4])
		}
	}
	slices.SortFunc(targets, func(a, b string) int { return len(b) - len(a) })
	for _, target := range targets {
		if err := unix.Unmount(target, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) {
			t.Errorf("unmount %s: %v", target, err)
		}
	}
}

// saveHostState records which of links, which nftables tables, what
// net.ipv4.ip_forward and which engine directories the host has, and
// returns a function that removes the ones added since and puts
// ip_forward back. Only the links named are looked at: other tests make
// links of their own meanwhile.
func saveHostState(t *testing.T, links []string) func() {
	const forward = "/proc/sys/net/ipv4/ip_forward"
	fwd, err := os.ReadFile(forward)
	if err != nil {
		t.Fatal(err)
	}
	had := hostLinks(t)
	tables := nftTables(t)
	var existed []bool
	for _, path := range engineLeftovers {
		_, err := os.Lstat(path)
		existed = append(existed, err == nil)
	}
	return func() {
		now := hostLinks(t)
		for _, link := range links {
			if slices.Contains(now, link) && !slices.Contains(had, link) {
				if out, err := exec.Command("ip", "link", "del", link).CombinedOutput(); err != nil {
					t.Errorf("ip link del %s: %v: %s", link, err, out)
				}
			}
		}
		for _, table := range nftTables(t) {
			if !slices.Contains(tables, table) {
				args := append([]string{"delete", "table"}, strings.Fields(table)...)
				if out, err := exec.Command("nft", args...).CombinedOutput(); err != nil {
					t.Errorf("nft %s: %v: %s", strings.Join(args, " "), err, out)
				}
			}
		}
		if err := os.WriteFile(forward, fwd, 0o644); err != nil {
			t.Errorf("restore %s: %v", forward, err)
		}
		for i, path := range engineLeftovers {
			if !existed[i] {
				os.RemoveAll(path)
			}
		}
	}
}

// hostLinks lists the names of the links in the test's network namespace.
func hostLinks(t *testing.T) []string {
	out, err := exec.Command("ip", "-o", "link", "show").Output()
	if err != nil {
		t.Fatalf("ip link show: %v", err)
	}
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 1 {
			name, _, _ := strings.Cut(strings.TrimSuffix(f[1], ":"), "@")
			names = append(names, name)
		}
	}
	return names
}

// nftTables lists the nftables tables as "FAMILY NAME"; none when nft is
// not installed, and then the tables the engines add stay.
func nftTables(t *testing.T) []string {
	if _, err := exec.LookPath("nft"); err != nil {
		t.Log("nft is not installed: nftables tables the engines add stay")
		return nil
	}
	out, err := exec.Command("nft", "list", "tables").Output()
	if err != nil {
		t.Fatalf("nft list tables: %v", err)
	}
	var tables []string
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "table "); ok {
			tables = append(tables, rest)
		}
	}
	return tables
}
