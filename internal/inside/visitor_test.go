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

func TestNewVisitorRefusesUnjoinable(t *testing.T) {
	for _, nstype := range []int{unix.CLONE_NEWUSER, unix.CLONE_NEWTIME, unix.CLONE_NEWPID} {
		if v, err := NewVisitor(nstype); !errors.Is(err, ErrNotJoinable) {
			t.Errorf("NewVisitor(%s) = %v, %v; want ErrNotJoinable", typeName(nstype), v, err)
		}
	}
}

// TestVisitorHopsOnOneThread visits the namespaces of two processes in
// turn, of each joinable type: every visit runs on the same thread, in the
// namespace asked for; a failed visit does not run its function and the
// next one still lands right; after Close the thread is gone.
func TestVisitorHopsOnOneThread(t *testing.T) {
	nstest.RequireRoot(t)
	flags := []string{"--uts", "--ipc", "--net", "--cgroup", "--mount"}
	pids := []int{startIn(t, flags...), startIn(t, flags...)}
	for _, tt := range []struct {
		name   string
		nstype int
	}{
		{"uts", unix.CLONE_NEWUTS}, {"ipc", unix.CLONE_NEWIPC},
		{"net", unix.CLONE_NEWNET}, {"cgroup", unix.CLONE_NEWCGROUP},
		{"mnt", unix.CLONE_NEWNS},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewVisitor(tt.nstype)
			if err != nil {
				t.Fatal(err)
			}
			tids := make(map[int]bool)
			for round := range 3 {
				for _, pid := range append(pids, os.Getpid()) {
					nsPath := fmt.Sprintf("/proc/%d/ns/%s", pid, tt.name)
					want, err := os.Readlink(nsPath)
					if err != nil {
						t.Fatal(err)
					}
					var got string
					err = v.Run(nsPath, func() error {
						tids[unix.Gettid()] = true
						var err error
						got, err = os.Readlink("/proc/thread-self/ns/" + tt.name)
						return err
					})
					if err != nil {
						t.Fatalf("round %d, pid %d: %v", round, pid, err)
					}
					if got != want {
						t.Errorf("round %d: the visit of pid %d's %s ran in %s", round, pid, want, got)
					}
				}
				called := false
				if err := v.Run("/proc/self/status", func() error { called = true; return nil }); !errors.Is(err, unix.EINVAL) || called {
					t.Errorf("a visit of a file that is no namespace: err %v, fn called %v; want EINVAL, not called", err, called)
				}
			}
			if len(tids) != 1 {
				t.Fatalf("the visits ran on threads %v, want one", tids)
			}
			v.Close()
			for tid := range tids {
				if tid == unix.Getpid() {
					t.Fatal("the visitor ran on the main thread")
				}
				task := fmt.Sprintf("/proc/self/task/%d", tid)
				if !nstest.Poll(func() bool { _, err := os.Stat(task); return errors.Is(err, fs.ErrNotExist) }) {
					t.Errorf("thread %d still exists after Close: the runtime kept it", tid)
				}
			}
		})
	}
}

// BenchmarkVisitor is the price of a visit on a Visitor's thread, to
// compare with BenchmarkRun's throwaway thread.
func BenchmarkVisitor(b *testing.B) {
	nstest.RequireRoot(b)
	nsPath := fmt.Sprintf("/proc/%d/ns/uts", startIn(b, "--uts"))
	v, err := NewVisitor(unix.CLONE_NEWUTS)
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	for b.Loop() {
		if err := v.Run(nsPath, func() error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// TestVisitorSparesMainThread: a Visitor whose goroutine lands on the main
// thread must serve from another (see Run's TestRunSparesMainThread).
func TestVisitorSparesMainThread(t *testing.T) {
	nstest.RequireRoot(t)
	nsPath := fmt.Sprintf("/proc/%d/ns/uts", startIn(t, "--uts"))
	for range 100 {
		v, err := NewVisitor(unix.CLONE_NEWUTS)
		if err != nil {
			t.Fatal(err)
		}
		err = v.Run(nsPath, func() error {
			if unix.Gettid() == unix.Getpid() {
				return errors.New("joined on the main thread")
			}
			return nil
		})
		v.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
}
