package inspect

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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

	nstest.HammerWithoutLeaks(t, []nstest.Call{
		{Name: "readUTS", Fn: func() error { _, err := readUTS(joinOnce(UTS), fmt.Sprintf("/proc/%d/ns/uts", p)); return err }},
		{Name: "readIPC", Fn: func() error { _, err := readIPC(joinOnce(IPC), fmt.Sprintf("/proc/%d/ns/ipc", p)); return err }},
		{Name: "readNet", Fn: func() error { _, err := readNet(joinOnce(Net), pNet); return err }},
		{Name: "netnsIDOf", Fn: func() error { _, err := netnsIDOf(pNet); return err }},
		{Name: "cgroup", Fn: func() error {
			_, err := readCgroupInfo("/proc", p)
			return err
		}},
		{Name: "resolveVethPeers", Fn: func() error {
			nets := make(map[NamespaceID]*NetInfo)
			for id, path := range map[NamespaceID]string{pID: pNet, qID: qNet} {
				info, err := readNet(joinOnce(Net), path)
				if err != nil {
					return err
				}
				nets[id] = info
			}
			if err := resolveVethPeers(joinOnce(Net), nets, map[NamespaceID]string{pID: pNet, qID: qNet}); err != nil {
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
		{Name: "scanDetails", Fn: func() error {
			// One Visit thread per type reads them all, then ends.
			mine := &Snapshot{ProcRoot: "/proc", Namespaces: make(map[NamespaceID]*Namespace)}
			for _, pid := range []int{p, q} {
				for _, typ := range []Type{UTS, IPC, Net} {
					id := nsOf(pid, typ)
					mine.Namespaces[id] = &Namespace{ID: id, Type: typ, Processes: []*Process{{PID: pid, TGID: pid}}}
				}
			}
			sc := &scanner{ctx: context.Background(), opts: Options{Details: TypesOf(UTS, IPC, Net)}}
			sc.scanDetails(mine)
			for _, id := range []NamespaceID{pID, qID} {
				if ns := mine.Namespaces[id]; ns == nil || ns.Details.Net == nil {
					return fmt.Errorf("net namespace %v without details: %+v", id, ns)
				}
			}
			if ns := mine.Namespaces[nsOf(p, UTS)]; ns == nil || ns.Details.UTS == nil || ns.Details.UTS.Hostname != "leak-p" {
				return fmt.Errorf("uts namespace of %d without its hostname: %+v", p, ns)
			}
			return nil
		}},
		// An error path must not leak either.
		{Name: "readUTS of a net namespace", Fn: func() error {
			if _, err := readUTS(joinOnce(UTS), "/proc/self/ns/net"); err == nil {
				return errors.New("it succeeded")
			}
			return nil
		}},
	})
}
