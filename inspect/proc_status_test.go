package inspect

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsdive/nsdive/internal/nstest"
)

func statusFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "status", name+".status"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		file string
		want procStatus
	}{
		{"self", procStatus{Name: "cat", Tgid: 7842, PPid: 7839, Threads: 1, NStgid: []int{7842}, NSpid: []int{7842}}},
		{"kthreadd", procStatus{Name: "kthreadd", Tgid: 2, PPid: 0, Threads: 1, NStgid: []int{2}, NSpid: []int{2}}},
		{"thread", procStatus{Name: "python3", Tgid: 8947, PPid: 8943, Threads: 2, NStgid: []int{8947}, NSpid: []int{9030}}},
		{"pidns", procStatus{Name: "sleep", Tgid: 8515, PPid: 8503, Threads: 1, NStgid: []int{8515, 1}, NSpid: []int{8515, 1}}},
		{"pidns_nested", procStatus{Name: "sleep", Tgid: 9055, PPid: 9054, Threads: 1, NStgid: []int{9055, 2, 1}, NSpid: []int{9055, 2, 1}}},
		{"setuid", procStatus{Name: "sleep", Tgid: 9318, PPid: 9316, UID: 1000, EUID: 2000, Threads: 1, NStgid: []int{9318}, NSpid: []int{9318}}},
		{"zombie", procStatus{Name: "python3", Tgid: 9389, PPid: 9345, Threads: 1, NStgid: []int{9389}, NSpid: []int{9389}}},
		// prctl(PR_SET_NAME, "x\ny\\z\t(q) "): the kernel escapes only
		// the newline and the backslash.
		{"escaped_name", procStatus{Name: "x\ny\\z\t(q) ", Tgid: 8594, PPid: 8427, Threads: 1, NStgid: []int{8594}, NSpid: []int{8594}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseStatus(statusFile(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			checkStatus(t, got, tt.want)
		})
	}
}

func checkStatus(t *testing.T, got, want procStatus) {
	t.Helper()
	if got.Name != want.Name || got.Tgid != want.Tgid || got.PPid != want.PPid ||
		got.UID != want.UID || got.EUID != want.EUID || got.Threads != want.Threads {
		t.Errorf("got name %q tgid %d ppid %d uid %d euid %d threads %d,\nwant      %q %d %d %d %d %d",
			got.Name, got.Tgid, got.PPid, got.UID, got.EUID, got.Threads,
			want.Name, want.Tgid, want.PPid, want.UID, want.EUID, want.Threads)
	}
	if !slices.Equal(got.NSpid, want.NSpid) || !slices.Equal(got.NStgid, want.NStgid) {
		t.Errorf("got NSpid %v NStgid %v, want %v %v", got.NSpid, got.NStgid, want.NSpid, want.NStgid)
	}
}

func TestParseStatusEdges(t *testing.T) {
	const base = "Name:\tsh\nTgid:\t5\nPPid:\t1\nUid:\t1\t2\t3\t4\nThreads:\t1\n"
	tests := []struct {
		name string
		in   string
		want procStatus
	}{
		// Before 4.1 there were no NS* lines: the lists stay nil.
		{"no NSpid", base, procStatus{Name: "sh", Tgid: 5, PPid: 1, UID: 1, EUID: 2, Threads: 1}},
		{"no final newline", strings.TrimSuffix(base, "\n") + "\nNSpid:\t5\t3",
			procStatus{Name: "sh", Tgid: 5, PPid: 1, UID: 1, EUID: 2, Threads: 1, NSpid: []int{5, 3}}},
		{"empty name", strings.Replace(base, "sh", "", 1), procStatus{Tgid: 5, PPid: 1, UID: 1, EUID: 2, Threads: 1}},
		{"lone backslash kept", strings.Replace(base, "sh", `a\b\`, 1), procStatus{Name: `a\b\`, Tgid: 5, PPid: 1, UID: 1, EUID: 2, Threads: 1}},
		{"high uids", strings.Replace(base, "Uid:\t1\t2", "Uid:\t2147483648\t4294967294", 1),
			procStatus{Name: "sh", Tgid: 5, PPid: 1, UID: 2147483648, EUID: 4294967294, Threads: 1}},
		{"unknown lines ignored", "Future:\tx y z\n" + base, procStatus{Name: "sh", Tgid: 5, PPid: 1, UID: 1, EUID: 2, Threads: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatus([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			checkStatus(t, got, tt.want)
		})
	}
}

func TestParseStatusErrors(t *testing.T) {
	const base = "Name:\tsh\nTgid:\t5\nPPid:\t1\nUid:\t0\t0\t0\t0\nThreads:\t1\nNSpid:\t5\n"
	checkParseErrors(t, "parseStatus", parseStatus, []parseErrorCase{
		{"empty", "", "missing Name, Tgid, PPid, Uid, Threads"},
		{"no colon", "Name sh\n", "line 1: no colon"},
		{"missing Uid", strings.Replace(base, "Uid:", "Gid:", 1), "missing Uid"},
		{"bad Tgid", strings.Replace(base, "Tgid:\t5", "Tgid:\t5x", 1), "line 2: Tgid: invalid number"},
		{"two PPids", strings.Replace(base, "PPid:\t1", "PPid:\t1 2", 1), "line 3: PPid: want one number"},
		{"empty PPid", strings.Replace(base, "PPid:\t1", "PPid:\t", 1), "line 3: PPid: want one number"},
		{"negative", strings.Replace(base, "Threads:\t1", "Threads:\t-1", 1), "line 5: Threads"},
		{"one uid", strings.Replace(base, "Uid:\t0\t0\t0\t0", "Uid:\t0", 1), "line 4: Uid: want 4 ids, got 1"},
		{"five uids", strings.Replace(base, "Uid:\t0\t0\t0\t0", "Uid:\t0\t0\t0\t0\t0", 1), "line 4: Uid: more than 4"},
		{"uid -1", strings.Replace(base, "Uid:\t0", "Uid:\t4294967295", 1), "line 4: Uid: number 1: invalid"},
		{"overflow", strings.Replace(base, "NSpid:\t5", "NSpid:\t5\t2147483648", 1), "line 6: NSpid: number 2"},
		{"too deep", strings.Replace(base, "NSpid:\t5", "NSpid:"+strings.Repeat("\t1", 34), 1), "more than 33"},
		{"blank line", strings.Replace(base, "\nTgid", "\n\nTgid", 1), "line 2: no colon"},
	})
}

func TestReadStatusSelf(t *testing.T) {
	st, err := readParsed("/proc/self/status", parseStatus)
	if err != nil {
		t.Fatal(err)
	}
	if st.Tgid != os.Getpid() || st.PPid != os.Getppid() || st.UID != os.Getuid() || st.EUID != os.Geteuid() {
		t.Errorf("got tgid %d ppid %d uid %d euid %d; want %d %d %d %d",
			st.Tgid, st.PPid, st.UID, st.EUID, os.Getpid(), os.Getppid(), os.Getuid(), os.Geteuid())
	}
	if st.Threads < 1 || len(st.NSpid) == 0 || st.NSpid[0] != os.Getpid() {
		t.Errorf("got threads %d NSpid %v", st.Threads, st.NSpid)
	}
}

func TestReadStatusErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := readParsed(filepath.Join(dir, strconv.Itoa(1), "status"), parseStatus); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), filepath.Join(dir, "1", "status")) {
		t.Errorf("missing file: error %v, want fs.ErrNotExist naming the path", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "7"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "7", "status"), []byte("Name:\tx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readParsed(filepath.Join(dir, strconv.Itoa(7), "status"), parseStatus); err == nil || !strings.Contains(err.Error(), "7/status: parse status: missing Tgid") {
		t.Errorf("bad file: error %v", err)
	}
}

// TestReadStatusPIDNamespaceRoot reads a process in a new pid namespace:
// NSpid lists its pid here and 1 in its own namespace.
func TestReadStatusPIDNamespaceRoot(t *testing.T) {
	nstest.RequireRoot(t)
	unshare := startProbe(t, "unshare", "--pid", "--fork", "--kill-child", "--mount-proc", "sleep", "1000")
	child := forkedChild(t, unshare, "sleep")
	st, err := readParsed(filepath.Join("/proc", strconv.Itoa(child), "status"), parseStatus)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{child, 1}
	if !slices.Equal(st.NSpid, want) || !slices.Equal(st.NStgid, want) || st.Tgid != child || st.PPid != unshare || st.Name != "sleep" {
		t.Errorf("got %+v, want NSpid and NStgid %v, tgid %d, ppid %d", st, want, child, unshare)
	}
}

// startProbe starts a helper command in a process group of its own and
// returns its pid; the cleanup SIGKILLs the group (unshare --fork ignores
// SIGTERM) and reaps it (nstest.Start).
func startProbe(t testing.TB, name string, args ...string) int {
	t.Helper()
	return nstest.Start(t, append([]string{name}, args...)...).PID()
}

// forkedChild waits for the first child of pid to run command comm, after
// whatever setup its parent did, and returns the child's pid.
func forkedChild(t testing.TB, pid int, comm string) int {
	t.Helper()
	file := filepath.Join("/proc", strconv.Itoa(pid), "task", strconv.Itoa(pid), "children")
	var child int
	probeUntil(t, func() bool {
		data, _ := os.ReadFile(file)
		fields := strings.Fields(string(data))
		if len(fields) == 0 {
			return false
		}
		child, _ = strconv.Atoi(fields[0])
		return commIs(child, comm)
	}, "pid %d to fork %s", pid, comm)
	return child
}

// commIs reports whether process pid runs a command named comm; a helper
// has done its setup once it execs its final command.
func commIs(pid int, comm string) bool {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm"))
	return err == nil && strings.TrimSpace(string(data)) == comm
}

// probeUntil polls cond for up to five seconds and fails the test when it
// never holds.
func probeUntil(t testing.TB, cond func() bool, format string, args ...any) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for "+format, args...)
}

func FuzzParseStatus(f *testing.F) {
	for _, name := range []string{"self", "kthreadd", "pidns_nested", "escaped_name", "zombie"} {
		f.Add(statusFile(f, name))
	}
	f.Add([]byte("Name:\t\\\nUid:\t1\t2\nNSpid:\t\t"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := parseStatus(data)
		if err != nil {
			return
		}
		if st.Tgid < 0 || st.PPid < 0 || st.UID < 0 || st.EUID < 0 || st.Threads < 0 {
			t.Errorf("negative id in %+v", st)
		}
		if len(st.NSpid) > maxPIDNSLevels || len(st.NStgid) > maxPIDNSLevels {
			t.Errorf("NSpid %d or NStgid %d entries", len(st.NSpid), len(st.NStgid))
		}
	})
}

func BenchmarkParseStatus(b *testing.B) {
	data := statusFile(b, "pidns_nested")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseStatus(data); err != nil {
			b.Fatal(err)
		}
	}
}
