package inspect

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

// spawnSleeper starts `PREFIX... sh -c SETUP`, which then sleeps, and
// returns its pid once SETUP has run; PREFIX is unshare or nsenter, which
// exec the shell. The process is SIGKILLed on cleanup (unshare --fork would
// ignore SIGTERM).
func spawnSleeper(t testing.TB, prefix []string, setup string) int {
	t.Helper()
	stderr, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	args := append(slices.Clone(prefix), "sh", "-c", setup+" && echo ready && exec sleep 1000")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", strings.Join(args, " "), err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	if line, err := bufio.NewReader(out).ReadString('\n'); line != "ready\n" {
		msg, _ := os.ReadFile(stderr.Name())
		t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, msg)
	}
	return cmd.Process.Pid
}

// insideLinks are the namespaces runInNamespace may move a thread into.
var insideLinks = []string{"net", "uts", "ipc", "cgroup"}

// ownNamespaces returns the namespaces of the calling thread, by link name.
func ownNamespaces(t testing.TB) map[string]string {
	t.Helper()
	ns := make(map[string]string)
	for _, name := range insideLinks {
		target, err := os.Readlink("/proc/thread-self/ns/" + name)
		if err != nil {
			t.Fatal(err)
		}
		ns[name] = target
	}
	return ns
}

// strayThreads lists the threads of this process that are not in the
// namespaces want.
func strayThreads(t testing.TB, want map[string]string) []string {
	t.Helper()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	var stray []string
	for _, task := range tasks {
		for _, name := range insideLinks {
			target, err := os.Readlink(filepath.Join("/proc/self/task", task.Name(), "ns", name))
			if errors.Is(err, fs.ErrNotExist) {
				break // the thread has just exited
			}
			if err != nil {
				t.Fatal(err)
			}
			if target != want[name] {
				stray = append(stray, fmt.Sprintf("task %s in %s", task.Name(), target))
			}
		}
	}
	return stray
}

func countFDs(t testing.TB) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(fds)
}

// waitFor polls cond until it holds or a few seconds have passed.
func waitFor(cond func() bool) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if cond() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return cond()
}

func TestInsideRefusesUnjoinable(t *testing.T) {
	for _, typ := range []Type{Mnt, User, Time, PID} {
		t.Run(typ.String(), func(t *testing.T) {
			called := false
			err := runInNamespace("/proc/self/ns/"+typ.String(), typ, func() error {
				called = true
				return nil
			})
			if !errors.Is(err, errNotJoinable) {
				t.Errorf("err = %v, want errNotJoinable", err)
			}
			if called {
				t.Error("fn ran")
			}
		})
	}
}

func TestInsideErrors(t *testing.T) {
	nstest.RequireRoot(t)
	errFn := errors.New("fn failed")
	tests := []struct {
		name   string
		path   string
		typ    Type
		fnErr  error
		want   error
		wantFn bool
	}{
		{"missing path", "/nonexistent/ns/uts", UTS, nil, fs.ErrNotExist, false},
		{"wrong type", "/proc/self/ns/net", UTS, nil, unix.EINVAL, false},
		{"not a namespace", "/proc/self/status", IPC, nil, unix.EINVAL, false},
		{"fn error", "/proc/self/ns/uts", UTS, errFn, errFn, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			err := runInNamespace(tt.path, tt.typ, func() error {
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

func TestInsideThreadJoinsAndIsDiscarded(t *testing.T) {
	nstest.RequireRoot(t)
	pid := spawnSleeper(t, []string{"unshare", "--uts", "--ipc", "--net", "--cgroup"}, "true")
	for _, typ := range []Type{UTS, IPC, Net, Cgroup} {
		t.Run(typ.String(), func(t *testing.T) {
			nsPath := fmt.Sprintf("/proc/%d/ns/%s", pid, typ)
			want, err := os.Readlink(nsPath)
			if err != nil {
				t.Fatal(err)
			}
			var tid int
			var got string
			err = runInNamespace(nsPath, typ, func() error {
				tid = unix.Gettid()
				var err error
				got, err = os.Readlink("/proc/thread-self/ns/" + typ.String())
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("thread was in %s, want %s", got, want)
			}
			task := fmt.Sprintf("/proc/self/task/%d", tid)
			if !waitFor(func() bool { _, err := os.Stat(task); return errors.Is(err, fs.ErrNotExist) }) {
				t.Errorf("thread %d still exists: the runtime kept it", tid)
			}
		})
	}
}

// TestInsideSparesMainThread: the runtime does not end the main thread when
// a goroutine exits locked to it but parks it for good, and /proc/PID/ns
// shows the main thread's namespaces, so the main thread must never join.
// Goroutines do land on it: about half of them on two CPUs.
func TestInsideSparesMainThread(t *testing.T) {
	nstest.RequireRoot(t)
	nsPath := fmt.Sprintf("/proc/%d/ns/uts", spawnSleeper(t, []string{"unshare", "--uts"}, "true"))
	home, err := os.Readlink("/proc/self/ns/uts")
	if err != nil {
		t.Fatal(err)
	}
	for range 200 {
		err := runInNamespace(nsPath, UTS, func() error {
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

// TestInsideNoLeaks runs every reader of this package that joins or opens
// namespaces many times, concurrently, while other goroutines check that the
// thread they run on never is in a foreign namespace; afterwards every
// thread is home and no fd or goroutine is left over.
func TestInsideNoLeaks(t *testing.T) {
	nstest.RequireRoot(t)
	p := spawnSleeper(t, []string{"unshare", "--uts", "--ipc", "--net", "--cgroup"}, "hostname leak-p && ipcmk -M 4096 >/dev/null")
	q := spawnSleeper(t, []string{"unshare", "--net"}, "true")
	pNet, qNet := fmt.Sprintf("/proc/%d/ns/net", p), fmt.Sprintf("/proc/%d/ns/net", q)
	ipRun(t, "link", "add", "name", "lkp", "netns", fmt.Sprint(p), "type", "veth", "peer", "name", "lkq", "netns", fmt.Sprint(q))
	pID, qID := nsIDOfPath(t, pNet), nsIDOfPath(t, qNet)

	home := ownNamespaces(t)
	fds := countFDs(t)
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
				for _, name := range insideLinks {
					target, err := os.Readlink("/proc/thread-self/ns/" + name)
					if err == nil && target != home[name] {
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

	calls := []struct {
		name string
		call func() error
	}{
		{"readUTS", func() error { _, err := readUTS(fmt.Sprintf("/proc/%d/ns/uts", p)); return err }},
		{"readIPC", func() error { _, err := readIPC(fmt.Sprintf("/proc/%d/ns/ipc", p)); return err }},
		{"readNet", func() error { _, err := readNet(pNet); return err }},
		{"netnsIDOf", func() error { _, err := netnsIDOf(pNet); return err }},
		{"cgroup", func() error {
			return runInNamespace(fmt.Sprintf("/proc/%d/ns/cgroup", p), Cgroup, func() error { return nil })
		}},
		{"resolveVethPeers", func() error {
			nets := make(map[NamespaceID]*NetInfo)
			for id, path := range map[NamespaceID]string{pID: pNet, qID: qNet} {
				info, err := readNet(path)
				if err != nil {
					return err
				}
				nets[id] = info
			}
			if err := resolveVethPeers(nets, map[NamespaceID]string{pID: pNet, qID: qNet}); err != nil {
				return err
			}
			// Not findInterface: this runs off the test goroutine.
			for _, ifc := range nets[pID].Interfaces {
				if ifc.Name == "lkp" && ifc.Peer != nil && ifc.Peer.Name == "lkq" && ifc.Peer.Namespace == qID {
					return nil
				}
			}
			return fmt.Errorf("lkp in %+v has no peer lkq", nets[pID].Interfaces)
		}},
	}
	var workers sync.WaitGroup
	errs := make(chan error, 8*len(calls))
	for range 8 {
		workers.Go(func() {
			for range 10 {
				for _, c := range calls {
					if err := c.call(); err != nil {
						errs <- fmt.Errorf("%s: %w", c.name, err)
						return
					}
				}
				// An error path must not leak either.
				if _, err := readUTS("/proc/self/ns/net"); err == nil {
					errs <- errors.New("readUTS of a net namespace succeeded")
					return
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

	if stray := strayThreads(t, home); len(stray) > 0 {
		t.Errorf("threads left in foreign namespaces: %v", stray)
	}
	if got := countFDs(t); got != fds {
		t.Errorf("%d fds open, want %d", got, fds)
	}
	if !waitFor(func() bool { return runtime.NumGoroutine() <= goroutines }) {
		t.Errorf("%d goroutines, want %d", runtime.NumGoroutine(), goroutines)
	}
}

// BenchmarkInsideRunInNamespace is the price of a throwaway thread: every
// namespace whose details are read pays it once.
func BenchmarkInsideRunInNamespace(b *testing.B) {
	nstest.RequireRoot(b)
	nsPath := fmt.Sprintf("/proc/%d/ns/uts", spawnSleeper(b, []string{"unshare", "--uts"}, "true"))
	for b.Loop() {
		if err := runInNamespace(nsPath, UTS, func() error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
