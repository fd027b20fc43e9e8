package inspect

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

func TestParseTimeOffsets(t *testing.T) {
	tests := []struct {
		file string
		want TimeOffsets
	}{
		{"init", TimeOffsets{}},
		// unshare --time --monotonic 3600 --boottime 7200
		{"positive", TimeOffsets{Monotonic: time.Hour, Boottime: 2 * time.Hour}},
		// unshare --time --monotonic -100
		{"negative", TimeOffsets{Monotonic: -100 * time.Second}},
		// written "monotonic -2 500000000" and "7 12 345": seconds and
		// nanoseconds add up as in a timespec, and the kernel prints the
		// clock's name whichever way it was written
		{"nanoseconds", TimeOffsets{Monotonic: -1500 * time.Millisecond, Boottime: 12*time.Second + 345}},
		{"clock_ids", TimeOffsets{Monotonic: -4750 * time.Millisecond, Boottime: 24*time.Hour + 1}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "timens_offsets", tt.file+".timens_offsets"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseTimeOffsets(data)
			if err != nil {
				t.Fatal(err)
			}
			if *got != tt.want {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestParseTimeOffsetsEdges(t *testing.T) {
	tests := []struct {
		name, in string
		want     TimeOffsets
	}{
		{"empty", "", TimeOffsets{}},
		{"unknown clock skipped", "realtime 5 0\nboottime 1 0", TimeOffsets{Boottime: time.Second}},
		{"last line wins", "monotonic 1 0\nmonotonic 2 0\n", TimeOffsets{Monotonic: 2 * time.Second}},
		{"largest", "monotonic 9223372035 999999999\n", TimeOffsets{Monotonic: 9223372035*time.Second + 999999999}},
		{"smallest", "boottime -9223372036 0\n", TimeOffsets{Boottime: -9223372036 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTimeOffsets([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if *got != tt.want {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestParseTimeOffsetsErrors(t *testing.T) {
	checkParseErrors(t, "parseTimeOffsets", parseTimeOffsets, []parseErrorCase{
		{"blank line", "monotonic 0 0\n\n", "line 2: empty"},
		{"two fields", "monotonic 0\n", "line 1: want clock, seconds and nanoseconds"},
		{"four fields", "monotonic 0 0 0\n", "line 1: want clock"},
		{"bad seconds", "monotonic x 0\n", "line 1: seconds"},
		{"negative nanoseconds", "boottime 0 -1\n", "line 1: nanoseconds \"-1\" not in [0, 1e9)"},
		{"a second of nanoseconds", "boottime 0 1000000000\n", "not in [0, 1e9)"},
		{"overflow", "boottime 9223372036 0\n", "overflow"},
		{"underflow", "boottime -9223372037 0\n", "overflow"},
	})
}

func TestReadTimeOffsetsErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := readTimeOffsets(dir, 1); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v, want fs.ErrNotExist", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "2"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "2", "timens_offsets"), []byte("monotonic\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readTimeOffsets(dir, 2); err == nil || !strings.Contains(err.Error(), "2/timens_offsets: parse timens_offsets line 1") {
		t.Errorf("error %v", err)
	}
}

// TestReadTimeOffsetsRoot reads the offsets unshare set in a new time
// namespace, through its child, a member, and through unshare itself,
// which is not a member but shows them for its time_for_children.
func TestReadTimeOffsetsRoot(t *testing.T) {
	nstest.RequireRoot(t)
	unshare := startProbe(t, "unshare", "--time", "--monotonic", "3600", "--boottime", "7200", "--fork", "--kill-child", "sleep", "1000")
	child := forkedChild(t, unshare, "sleep")
	want := TimeOffsets{Monotonic: time.Hour, Boottime: 2 * time.Hour}
	for _, pid := range []int{child, unshare} {
		got, err := readTimeOffsets("/proc", pid)
		if err != nil {
			t.Fatal(err)
		}
		if *got != want {
			t.Errorf("pid %d: got %+v, want %+v", pid, *got, want)
		}
	}
	link := func(pid int, name string) string {
		target, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "ns", name))
		if err != nil {
			t.Fatal(err)
		}
		return target
	}
	if childNS, own := link(child, "time"), link(unshare, "time"); childNS == own || childNS != link(unshare, "time_for_children") {
		t.Errorf("child in %s, unshare in %s for itself and %s for children", childNS, own, link(unshare, "time_for_children"))
	}
	self, err := readTimeOffsets("/proc", os.Getpid())
	if err != nil || *self != (TimeOffsets{}) {
		t.Errorf("own offsets %+v, %v; want zero", self, err)
	}
}

func FuzzParseTimeOffsets(f *testing.F) {
	for _, name := range []string{"positive", "nanoseconds", "clock_ids"} {
		data, err := os.ReadFile(filepath.Join("testdata", "timens_offsets", name+".timens_offsets"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if off, err := parseTimeOffsets(data); err == nil && off == nil {
			t.Error("nil offsets without an error")
		}
	})
}

// TestTimeDetailsOfUnsharedWithoutFork builds the case where a process's
// timens_offsets describe another namespace than its own: perl, the only
// member of a time namespace with a monotonic offset of 100 s, unshares a
// second one (offset 5000 s) for its children and never forks, so the
// second has no member at all. Each namespace must show its own offsets.
//
//	unshare --time --monotonic 100 --fork perl -e 'syscall(SYS_unshare, CLONE_NEWTIME); ...'
func TestTimeDetailsOfUnsharedWithoutFork(t *testing.T) {
	nstest.RequireRoot(t)
	script := fmt.Sprintf(`syscall(%d, %d) == 0 or die "unshare: $!";
open(my $f, ">", "/proc/self/timens_offsets") or die "open: $!";
print $f "monotonic 5000 0\n"; close($f) or die "write: $!";
open(my $r, ">", "/proc/self/comm"); print $r "timens-probe"; close($r);
sleep 1000;`, unix.SYS_UNSHARE, unix.CLONE_NEWTIME)
	unshare := nstest.Start(t, "unshare", "--time", "--monotonic", "100", "--fork", "perl", "-e", script)
	var probe int
	unshare.WaitUntil(t, "perl unshared its children's time namespace", func() bool {
		for _, pid := range nstest.LiveGroupMembers(unshare.PID()) {
			if nstest.Comm(pid) == "timens-probe" {
				probe = pid
				return true
			}
		}
		return false
	})
	own, forChildren := nsOf(probe, Time), NamespaceID(nstest.IDAt(fmt.Sprintf("/proc/%d/ns/time_for_children", probe)))
	if own.IsZero() || forChildren.IsZero() || own == forChildren {
		t.Fatalf("probe %d in time namespace %v, for children %v: want two", probe, own, forChildren)
	}
	// Details alone must do: it reads the for-children links itself.
	snap := mustScan(t, Options{Details: TypesOf(Time)})
	want := map[NamespaceID]time.Duration{own: 100 * time.Second, forChildren: 5000 * time.Second}
	for id, monotonic := range want {
		if ns := snap.Namespaces[id]; ns == nil || ns.Details.Time == nil || ns.Details.Time.Monotonic != monotonic {
			t.Errorf("time namespace %v = %+v, want monotonic %v", id, ns, monotonic)
		}
	}
}
