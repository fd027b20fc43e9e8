package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// TestExplorerEntersNetns runs the explorer, chooses a test network
// namespace and enters it with E and a command that writes the
// namespace it runs in to a file: the explorer is suspended while the
// command runs on the terminal, then comes back (the alternate screen
// and the list redrawn, the action logged), and the file names the
// namespace chosen.
func TestExplorerEntersNetns(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Name + "-enter"
	id := nstest.AddNetns(t, name)
	out := filepath.Join(t.TempDir(), "ns")
	r := startExplorer(t)
	r.waitText(t, "all namespaces")
	r.typeKeys(t, "/"+name+"\r")
	r.waitText(t, "/run/netns/"+name)

	r.typeKeys(t, "E")
	r.waitText(t, "Command")
	r.typeKeys(t, "readlink /proc/self/ns/net > "+out+"\r")
	r.waitText(t, fmt.Sprintf("nsenter --net=/run/netns/%s -- /bin/sh -c", name))
	r.typeKeys(t, "y")
	r.waitText(t, "done: enter net")
	r.waitText(t, "/run/netns/"+name)
	if !r.emu.IsAltScreen() {
		t.Error("the explorer did not come back to the alternate screen")
	}
	got, err := os.ReadFile(out)
	if want := fmt.Sprintf("net:[%d]", id.Ino); err != nil || strings.TrimSpace(string(got)) != want {
		t.Errorf("the command wrote %q (%v), want %q", got, err, want)
	}

	r.typeKeys(t, "q")
	if code := r.wait(t); code != 0 {
		t.Errorf("q: exit status %d, want 0", code)
	}
	r.checkRestored(t)
}

// TestExplorerUnshares runs a command in a new uts namespace with u: the
// form's --uts and --hostname, the confirmation's unshare line, the
// explorer suspended and back, and the command's output in a file.
func TestExplorerUnshares(t *testing.T) {
	nstest.RequireRoot(t)
	out := filepath.Join(t.TempDir(), "hostname")
	r := startExplorer(t)
	r.waitText(t, "all namespaces")
	r.typeKeys(t, "u")
	r.waitText(t, "--map-root-user")
	down := "\x1b[B"
	r.typeKeys(t, down+" "+strings.Repeat(down, 10)+"uia-unshared"+down+"hostname > "+out+"\r")
	r.waitText(t, "unshare --uts --fork -- sh -c")
	r.typeKeys(t, "y")
	r.waitText(t, "done: run /bin/sh in new uts namespaces")
	r.waitText(t, "all namespaces")
	got, err := os.ReadFile(out)
	if err != nil || strings.TrimSpace(string(got)) != "uia-unshared" {
		t.Errorf("the command wrote %q (%v), want uia-unshared", got, err)
	}
	r.typeKeys(t, "q")
	if code := r.wait(t); code != 0 {
		t.Errorf("q: exit status %d, want 0", code)
	}
	r.checkRestored(t)
}
