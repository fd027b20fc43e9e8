package inside

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

func TestVisitRefusesUnjoinable(t *testing.T) {
	for _, nstype := range []int{unix.CLONE_NEWUSER, unix.CLONE_NEWTIME, unix.CLONE_NEWPID} {
		called := false
		err := Visit(nstype, func(func(string) error) error { called = true; return nil })
		if !errors.Is(err, ErrNotJoinable) || called {
			t.Errorf("Visit(%s): err %v, fn called %v; want ErrNotJoinable, not called", typeName(nstype), err, called)
		}
	}
}

// TestVisitHopsOnOneThread visits the namespaces of two processes and the
// test's own in turn, three times, of each joinable type: every join
// lands in the namespace asked for, all on one thread that is not the
// main thread; a join that fails says why; fn's error is Visit's; after
// Visit the thread is gone.
func TestVisitHopsOnOneThread(t *testing.T) {
	nstest.RequireRoot(t)
	flags := []string{"--uts", "--ipc", "--net", "--cgroup", "--mount"}
	pids := []int{startIn(t, flags...), startIn(t, flags...), os.Getpid()}
	errDone := errors.New("done")
	for _, tt := range joinable {
		t.Run(tt.name, func(t *testing.T) {
			want := make(map[int]string)
			for _, pid := range pids {
				var err error
				if want[pid], err = os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, tt.name)); err != nil {
					t.Fatal(err)
				}
			}
			var tids []int
			var problems []string
			err := Visit(tt.nstype, func(join func(string) error) error {
				for round := range 3 {
					for _, pid := range pids {
						if err := join(fmt.Sprintf("/proc/%d/ns/%s", pid, tt.name)); err != nil {
							return err
						}
						tids = append(tids, unix.Gettid())
						if got, err := os.Readlink("/proc/thread-self/ns/" + tt.name); err != nil || got != want[pid] {
							problems = append(problems, fmt.Sprintf("round %d: joined pid %d's %s, in %s (%v)", round, pid, want[pid], got, err))
						}
					}
					if err := join("/proc/self/status"); !errors.Is(err, unix.EINVAL) {
						problems = append(problems, fmt.Sprintf("a join of a file that is no namespace: %v, want EINVAL", err))
					}
					if err := join("/nonexistent/ns"); !errors.Is(err, fs.ErrNotExist) {
						problems = append(problems, fmt.Sprintf("a join of a missing file: %v, want ErrNotExist", err))
					}
				}
				return errDone
			})
			if !errors.Is(err, errDone) {
				t.Fatalf("Visit = %v, want fn's error", err)
			}
			for _, p := range problems {
				t.Error(p)
			}
			for _, tid := range tids {
				if tid != tids[0] || tid == unix.Getpid() {
					t.Fatalf("the visits ran on threads %v (main thread %d), want one other than the main thread", tids, unix.Getpid())
				}
			}
			task := fmt.Sprintf("/proc/self/task/%d", tids[0])
			if !nstest.Poll(func() bool { _, err := os.Stat(task); return errors.Is(err, fs.ErrNotExist) }) {
				t.Errorf("thread %d still exists after Visit: the runtime kept it", tids[0])
			}
		})
	}
}

// TestVisitSparesMainThread: a Visit whose goroutine lands on the main
// thread must visit from another (see TestRunSparesMainThread).
func TestVisitSparesMainThread(t *testing.T) {
	nstest.RequireRoot(t)
	nsPath := fmt.Sprintf("/proc/%d/ns/uts", startIn(t, "--uts"))
	for range 100 {
		err := Visit(unix.CLONE_NEWUTS, func(join func(string) error) error {
			if unix.Gettid() == unix.Getpid() {
				return errors.New("visiting on the main thread")
			}
			return join(nsPath)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkVisit is the price of a join on a Visit's thread, to compare
// with BenchmarkRun's throwaway thread per namespace.
func BenchmarkVisit(b *testing.B) {
	nstest.RequireRoot(b)
	nsPath := fmt.Sprintf("/proc/%d/ns/uts", startIn(b, "--uts"))
	err := Visit(unix.CLONE_NEWUTS, func(join func(string) error) error {
		for b.Loop() {
			if err := join(nsPath); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
