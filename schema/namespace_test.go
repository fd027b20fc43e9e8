package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/nstest"
)

// TestThreadsOnlyWhereLeaderIsNot checks that a namespace's "threads" are
// the member threads whose leader is elsewhere: a thread of this test
// moved into a new network namespace is listed there, and not under the
// mount namespace it shares with its leader.
func TestThreadsOnlyWhereLeaderIsNot(t *testing.T) {
	nstest.RequireRoot(t)
	tid := nstest.StartThreadInNetns(t)
	threadNet := nstest.MustIDAt(t, fmt.Sprintf("/proc/self/task/%d/ns/net", tid))
	mnt := nstest.MustIDAt(t, "/proc/self/ns/mnt")

	snap, err := inspect.Scan(t.Context(), inspect.Options{Threads: true})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, snap, snap.SortedNamespaces(), nil); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Namespaces []struct {
			NS      uint64
			Pids    []int
			Threads []int
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, ns := range doc.Namespaces {
		switch ns.NS {
		case threadNet.Ino:
			found++
			if !slices.Contains(ns.Threads, tid) || len(ns.Pids) != 0 {
				t.Errorf("the thread's net namespace %d: %d pids, threads %v; want no pids and thread %d", ns.NS, len(ns.Pids), ns.Threads, tid)
			}
		case mnt.Ino:
			found++
			if slices.Contains(ns.Threads, tid) || !slices.Contains(ns.Pids, os.Getpid()) {
				t.Errorf("the test's mount namespace %d: threads %v, pid %d listed %v; want the pid and not its thread %d", ns.NS, ns.Threads, os.Getpid(), slices.Contains(ns.Pids, os.Getpid()), tid)
			}
		}
	}
	if found != 2 {
		t.Errorf("found %d of the thread's net namespace %d and the test's mount namespace %d", found, threadNet.Ino, mnt.Ino)
	}
}
