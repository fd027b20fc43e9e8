package nstest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// JoinableTypes are the namespace types a thread of a Go program may join
// (mnt after unshare(CLONE_FS)), and so the ones a thread may be left
// behind in.
var JoinableTypes = []string{"net", "uts", "ipc", "cgroup", "mnt"}

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

// Call is one operation that HammerWithoutLeaks repeats.
type Call struct {
	Name string
	Fn   func() error
}

// HammerWithoutLeaks runs calls many times from several goroutines at
// once, while other goroutines check that no goroutine ever runs on a
// thread left in a foreign namespace; afterwards it checks that every
// thread is home and that no descriptor or goroutine is left over. It is
// the test of the thread rules of internal/inside for any code that joins
// or opens namespaces.
func HammerWithoutLeaks(t testing.TB, calls []Call) {
	t.Helper()
	home := ThreadNamespaces(t)
	fds := CountFDs(t)
	goroutines := runtime.NumGoroutine()

	stop := make(chan struct{})
	var checkers sync.WaitGroup
	strays := make(chan string, 16)
	for range 4 {
		checkers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, typ := range JoinableTypes {
					target, err := os.Readlink("/proc/thread-self/ns/" + typ)
					if err == nil && target != home[typ] {
						select {
						case strays <- target:
						default:
						}
					}
				}
				runtime.Gosched()
			}
		})
	}
	var workers sync.WaitGroup
	errs := make(chan error, 8*len(calls))
	for range 8 {
		workers.Go(func() {
			for range 10 {
				for _, c := range calls {
					if err := c.Fn(); err != nil {
						errs <- fmt.Errorf("%s: %w", c.Name, err)
						return
					}
				}
			}
		})
	}
	workers.Wait()
	close(stop)
	checkers.Wait()
	close(errs)
	close(strays)
	for err := range errs {
		t.Error(err)
	}
	for target := range strays {
		t.Errorf("a goroutine ran on a thread in %s", target)
	}
	// A discarded thread ends a moment after its goroutine returned;
	// threads of the scans of earlier tests may be ending too.
	var stray []string
	if !Poll(func() bool { stray = StrayThreads(t, home); return len(stray) == 0 }) {
		t.Errorf("threads left in foreign namespaces: %v", stray)
	}
	if got := CountFDs(t); got != fds {
		t.Errorf("%d fds open, want %d", got, fds)
	}
	if !Poll(func() bool { return runtime.NumGoroutine() <= goroutines }) {
		t.Errorf("%d goroutines, want %d", runtime.NumGoroutine(), goroutines)
	}
}
