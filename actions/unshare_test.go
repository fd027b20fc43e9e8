package actions

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/nstest"
)

// TestMain lets the test binary, re-executed by Unshared.Run, become the
// unshared command as nsdive does.
func TestMain(m *testing.M) {
	RunChildIfAsked()
	os.Exit(m.Run())
}

// quietUnshare prepares opts with the command's output thrown away.
func quietUnshare(t testing.TB, opts UnshareOptions) *Unshared {
	t.Helper()
	u, err := Unshare(opts)
	if err != nil {
		t.Fatal(err)
	}
	u.SetStdin(nil)
	u.SetStdout(io.Discard)
	u.SetStderr(io.Discard)
	return u
}

// TestUnsharePersistFailureRemovesWhatWasPersisted makes the second of two
// persists fail when it runs (its directory is a read-only mount) and
// checks that the first is undone and the command never ran.
func TestUnsharePersistFailureRemovesWhatWasPersisted(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	readOnly := filepath.Join(dir, "ro")
	if err := os.Mkdir(readOnly, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", readOnly, "tmpfs", unix.MS_RDONLY, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Unmount(readOnly, unix.MNT_DETACH) })
	utsPath, netPath, ran := filepath.Join(dir, "uts"), filepath.Join(readOnly, "net"), filepath.Join(dir, "ran")
	u := quietUnshare(t, UnshareOptions{
		Types:   inspect.TypesOf(inspect.UTS, inspect.Net),
		Persist: []PersistSpec{{Type: inspect.UTS, Path: utsPath}, {Type: inspect.Net, Path: netPath}},
		Args:    []string{"touch", ran},
	})
	err := u.Run()
	if err == nil || !strings.Contains(err.Error(), "read-only file system") {
		t.Fatalf("Run() = %v, want the read-only directory's error", err)
	}
	for _, path := range []string{utsPath, netPath, ran} {
		if _, err := os.Lstat(path); err == nil {
			t.Errorf("%s is left after the failure", path)
		}
	}
	nstest.CheckUnmounted(t, utsPath)
}

// TestUnshareCyclesLeakNothing persists and releases a new network
// namespace many times at once: no descriptor, thread in a foreign
// namespace or mount is left.
func TestUnshareCyclesLeakNothing(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	var n atomic.Int64
	nstest.HammerWithoutLeaks(t, []nstest.Call{{Name: "unshare, persist, release", Fn: func() error {
		path := filepath.Join(dir, fmt.Sprint(n.Add(1)))
		u, err := Unshare(UnshareOptions{Types: inspect.TypesOf(inspect.Net), Persist: []PersistSpec{{Type: inspect.Net, Path: path}}, Args: []string{"true"}})
		if err != nil {
			return err
		}
		u.SetStdout(io.Discard)
		if err := u.Run(); err != nil {
			return err
		}
		a, err := Release(path)
		if err != nil {
			return err
		}
		return a.Run()
	}}})
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files left in %s", len(entries), dir)
	}
}
