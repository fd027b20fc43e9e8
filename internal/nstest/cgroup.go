package nstest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// MakeCgroup creates the cgroup dir under the hierarchy mounted at
// hierarchy, and each missing one above it, with a name that starts with
// Name; the cleanup removes them, deepest first, and fails the test if
// one stays. A cgroup whose last process was just reaped stays busy for a
// moment, so removing it is retried.
//
// Equivalent to: mkdir -p HIERARCHY/DIR; rmdir HIERARCHY/DIR ...
func MakeCgroup(t testing.TB, hierarchy, dir string) string {
	t.Helper()
	if !strings.HasPrefix(dir, Name) {
		t.Fatalf("cgroup %s: want its first element to start with %s", dir, Name)
	}
	var made []string
	for d := dir; d != "."; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(hierarchy, d)); err == nil {
			break
		}
		made = append(made, filepath.Join(hierarchy, d))
	}
	if err := os.MkdirAll(filepath.Join(hierarchy, dir), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, d := range made {
			var err error
			if !Poll(func() bool {
				err = os.Remove(d)
				return err == nil || errors.Is(err, fs.ErrNotExist)
			}) {
				t.Errorf("remove cgroup %s: %v", d, err)
			}
		}
	})
	return filepath.Join(hierarchy, dir)
}
