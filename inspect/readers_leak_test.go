package inspect

import (
	"bufio"
	"errors"
	"fmt"
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
	cmd.Env = append(cmd.Environ(), nstest.Marker) // for nstest.Leftovers
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

	home := nstest.ThreadNamespaces(t)
	fds := nstest.CountFDs(t)
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
				for _, name := range nstest.JoinableTypes {
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
			_, err := readCgroupInfo("/proc", p)
			return err
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

	// A discarded thread ends a moment after its goroutine returned;
	// threads of the scans of earlier tests may be ending too.
	var stray []string
	if !nstest.Poll(func() bool { stray = nstest.StrayThreads(t, home); return len(stray) == 0 }) {
		t.Errorf("threads left in foreign namespaces: %v", stray)
	}
	if got := nstest.CountFDs(t); got != fds {
		t.Errorf("%d fds open, want %d", got, fds)
	}
	if !waitFor(func() bool { return runtime.NumGoroutine() <= goroutines }) {
		t.Errorf("%d goroutines, want %d", runtime.NumGoroutine(), goroutines)
	}
}
