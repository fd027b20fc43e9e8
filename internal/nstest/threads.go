package nstest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// JoinableTypes are the namespace types a thread of a Go program may join,
// and so the ones a thread may be left behind in.
var JoinableTypes = []string{"net", "uts", "ipc", "cgroup"}

// ThreadNamespaces returns the calling thread's namespaces of the joinable
// types, by type, as readlink shows them ("net:[4026531833]").
func ThreadNamespaces(t testing.TB) map[string]string {
	t.Helper()
	ns := make(map[string]string)
	for _, typ := range JoinableTypes {
		target, err := os.Readlink("/proc/thread-self/ns/" + typ)
		if err != nil {
			t.Fatal(err)
		}
		ns[typ] = target
	}
	return ns
}

// StrayThreads lists the threads of this process that are not in the
// namespaces home (from ThreadNamespaces).
func StrayThreads(t testing.TB, home map[string]string) []string {
	t.Helper()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	var stray []string
	for _, task := range tasks {
		for _, typ := range JoinableTypes {
			target, err := os.Readlink(filepath.Join("/proc/self/task", task.Name(), "ns", typ))
			if errors.Is(err, fs.ErrNotExist) {
				break // the thread has just exited
			}
			if err != nil {
				t.Fatal(err)
			}
			if target != home[typ] {
				stray = append(stray, fmt.Sprintf("task %s in %s", task.Name(), target))
			}
		}
	}
	return stray
}

// CountFDs counts this process's open descriptors.
func CountFDs(t testing.TB) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(fds)
}
