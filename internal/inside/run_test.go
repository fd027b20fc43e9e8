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

func TestRunRefusesUnjoinable(t *testing.T) {
	for _, tt := range []struct {
		name   string
		nstype int
	}{
		{"user", unix.CLONE_NEWUSER},
		{"time", unix.CLONE_NEWTIME}, {"pid", unix.CLONE_NEWPID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			err := Run("/proc/self/ns/"+tt.name, tt.nstype, func() error {
				called = true
				return nil
			})
			if !errors.Is(err, ErrNotJoinable) {
				t.Errorf("err = %v, want ErrNotJoinable", err)
			}
			if called {
				t.Error("fn ran")
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	nstest.RequireRoot(t)
	errFn := errors.New("fn failed")
	tests := []struct {
		name   string
		path   string
		nstype int
		fnErr  error
		want   error
		wantFn bool
	}{
		{"missing path", "/nonexistent/ns/uts", unix.CLONE_NEWUTS, nil, fs.ErrNotExist, false},
		{"wrong type", "/proc/self/ns/net", unix.CLONE_NEWUTS, nil, unix.EINVAL, false},
		{"not a namespace", "/proc/self/status", unix.CLONE_NEWIPC, nil, unix.EINVAL, false},
		{"fn error", "/proc/self/ns/uts", unix.CLONE_NEWUTS, errFn, errFn, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			err := Run(tt.path, tt.nstype, func() error {
				called = true
				return tt.fnErr
			})
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if called != tt.wantFn {
				t.Errorf("fn called = %v, want %v", called, tt.wantFn)
			}
		})
	}
}

// joinable are the namespace types a thread of this program can join, by
// their /proc link name.
var joinable = []struct {
	name   string
	nstype int
}{
	{"uts", unix.CLONE_NEWUTS}, {"ipc", unix.CLONE_NEWIPC},
	{"net", unix.CLONE_NEWNET}, {"cgroup", unix.CLONE_NEWCGROUP},
	{"mnt", unix.CLONE_NEWNS},
}

func TestRunThreadJoinsAndIsDiscarded(t *testing.T) {
	nstest.RequireRoot(t)
	pid := startIn(t, "--uts", "--ipc", "--net", "--cgroup", "--mount")
	for _, tt := range joinable {
		t.Run(tt.name, func(t *testing.T) {
			nsPath := fmt.Sprintf("/proc/%d/ns/%s", pid, tt.name)
			want, err := os.Readlink(nsPath)
			if err != nil {
				t.Fatal(err)
			}
			var tid int
			var got string
			err = Run(nsPath, tt.nstype, func() error {
				tid = unix.Gettid()
				var err error
				got, err = os.Readlink("/proc/thread-self/ns/" + tt.name)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("thread was in %s, want %s", got, want)
			}
			task := fmt.Sprintf("/proc/self/task/%d", tid)
			if !nstest.Poll(func() bool { _, err := os.Stat(task); return errors.Is(err, fs.ErrNotExist) }) {
				t.Errorf("thread %d still exists: the runtime kept it", tid)
			}
		})
	}
}

// TestRunSparesMainThread: the runtime does not end the main thread when a
// goroutine exits locked to it but parks it for good, and /proc/PID/ns
// shows the main thread's namespaces, so the main thread must never join.
// Goroutines do land on it: about half of them on two CPUs.
func TestRunSparesMainThread(t *testing.T) {
	nstest.RequireRoot(t)
	nsPath := fmt.Sprintf("/proc/%d/ns/uts", startIn(t, "--uts"))
	home, err := os.Readlink("/proc/self/ns/uts")
	if err != nil {
		t.Fatal(err)
	}
	for range 200 {
		err := Run(nsPath, unix.CLONE_NEWUTS, func() error {
			if unix.Gettid() == unix.Getpid() {
				return errors.New("joined on the main thread")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if now, err := os.Readlink("/proc/self/ns/uts"); err != nil || now != home {
		t.Errorf("main thread in %s (%v), want %s", now, err, home)
	}
}

// BenchmarkRun is the price of a throwaway thread: every namespace whose
// details are read from inside pays it once.
func BenchmarkRun(b *testing.B) {
	nstest.RequireRoot(b)
	nsPath := fmt.Sprintf("/proc/%d/ns/uts", startIn(b, "--uts"))
	for b.Loop() {
		if err := Run(nsPath, unix.CLONE_NEWUTS, func() error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
