package inside

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// TestMain runs the tests, then fails the run if a thread of this binary
// was left in another namespace, or a fixture process outlived its test.
func TestMain(m *testing.M) {
	home := make(map[string]string)
	for _, typ := range nstest.JoinableTypes {
		home[typ], _ = os.Readlink("/proc/thread-self/ns/" + typ)
	}
	code := m.Run()
	left := nstest.Leftovers()
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, task := range tasks {
		for _, typ := range nstest.JoinableTypes {
			target, err := os.Readlink("/proc/self/task/" + task.Name() + "/ns/" + typ)
			if err == nil && target != home[typ] {
				left = append(left, fmt.Sprintf("thread %s in %s", task.Name(), target))
			}
		}
	}
	if len(left) > 0 {
		fmt.Fprintf(os.Stderr, "the tests left behind:\n  %s\n", strings.Join(left, "\n  "))
		code = 1
	}
	os.Exit(code)
}

// startIn starts a sleep in new namespaces made by unshare with flags
// ("--net", "--uts", ...) and returns its pid once it sleeps there.
//
// Equivalent to: unshare FLAGS... sleep 1000
func startIn(t testing.TB, flags ...string) int {
	t.Helper()
	self := nstest.MustIDAt(t, "/proc/self/ns/"+strings.TrimPrefix(flags[0], "--"))
	p := nstest.Start(t, append(append([]string{"unshare"}, flags...), "sleep", "1000")...)
	p.WaitUntil(t, "unshare to exec sleep", func() bool {
		id := nstest.IDOf(p.PID(), strings.TrimPrefix(flags[0], "--"))
		return nstest.Comm(p.PID()) == "sleep" && !id.IsZero() && id != self
	})
	return p.PID()
}
