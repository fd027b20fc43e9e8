package inspect

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

func TestParseIDMap(t *testing.T) {
	tests := []struct {
		file string
		want []IDMapRange
	}{
		{"init.uid_map", []IDMapRange{{0, 0, 4294967295}}},
		// unshare -U -r, as root
		{"root_mapped.uid_map", []IDMapRange{{0, 0, 1}}},
		{"root_mapped.gid_map", []IDMapRange{{0, 0, 1}}},
		// unshare -U: nothing written yet
		{"unmapped.uid_map", nil},
		{"two_ranges.uid_map", []IDMapRange{{0, 100000, 65536}, {65536, 1000, 1}}},
		{"one_range.gid_map", []IDMapRange{{0, 100000, 65536}}},
		// a namespace nested in two_ranges's, read from the host: the
		// outside ids are the host's, not the parent's (0 5 10 as written)
		{"nested_host_view.uid_map", []IDMapRange{{0, 100005, 10}, {65536, 1000, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "idmap", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseIDMap(data)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseIDMapEdges(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []IDMapRange
	}{
		{"empty", "", nil},
		{"no final newline", "1 2 3", []IDMapRange{{1, 2, 3}}},
		{"tabs and spaces", " \t5\t 6  7 \n", []IDMapRange{{5, 6, 7}}},
		{"max", "4294967295 4294967295 4294967295\n", []IDMapRange{{4294967295, 4294967295, 4294967295}}},
		{"340 lines", strings.Repeat("0 0 1\n", maxIDMapLines), slices.Repeat([]IDMapRange{{0, 0, 1}}, maxIDMapLines)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseIDMap([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseIDMapErrors(t *testing.T) {
	checkParseErrors(t, "parseIDMap", parseIDMap, []parseErrorCase{
		{"two columns", "0 0\n", "line 1: want 3 columns, got 2"},
		{"four columns", "0 0 1\n0 0 1 1\n", "line 2: more than 3 columns"},
		{"blank line", "0 0 1\n\n", "line 2: want 3 columns, got 0"},
		{"overflow", "0 4294967296 1\n", "line 1: column 2: invalid"},
		{"negative", "0 0 -1\n", "line 1: column 3: invalid"},
		{"hex", "0x10 0 1\n", "line 1: column 1: invalid"},
		{"341 lines", strings.Repeat("0 0 1\n", maxIDMapLines+1), "line 341: more than 340 ranges"},
	})
}

func TestIDMapParseSetgroups(t *testing.T) {
	for in, want := range map[string]string{"allow\n": "allow", "deny\n": "deny", "deny": "deny"} {
		if got, err := parseSetgroups([]byte(in)); err != nil || got != want {
			t.Errorf("parseSetgroups(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "\n", "Allow\n", "allow deny\n"} {
		if _, err := parseSetgroups([]byte(in)); err == nil {
			t.Errorf("parseSetgroups(%q): no error", in)
		}
	}
}

func TestIDMapReadUserInfoSelf(t *testing.T) {
	info, err := readUserInfo("/proc", os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if len(info.UIDMap) == 0 || len(info.GIDMap) == 0 || info.SetGroups == "" {
		t.Errorf("got %+v, want both maps and a setgroups policy", info)
	}
}

func TestIDMapReadUserInfoErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := readUserInfo(dir, 1); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "uid_map") {
		t.Errorf("missing files: error %v, want fs.ErrNotExist naming uid_map", err)
	}
	pidDir := filepath.Join(dir, "3")
	if err := os.MkdirAll(pidDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"uid_map": "0 0 1\n", "gid_map": "0 0 1\n", "setgroups": "maybe\n"} {
		if err := os.WriteFile(filepath.Join(pidDir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := readUserInfo(dir, 3); err == nil || !strings.Contains(err.Error(), "3/setgroups: parse setgroups") {
		t.Errorf("bad setgroups: error %v", err)
	}
	if err := os.WriteFile(filepath.Join(pidDir, "gid_map"), []byte("0 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readUserInfo(dir, 3); err == nil || !strings.Contains(err.Error(), "3/gid_map: parse id map line 1") {
		t.Errorf("bad gid_map: error %v", err)
	}
}

// TestIDMapReadUserInfoRoot reads user namespaces made by unshare, and
// checks that the Outside column is in the reader's user namespace.
func TestIDMapReadUserInfoRoot(t *testing.T) {
	nstest.RequireRoot(t)
	uid, gid := uint32(os.Geteuid()), uint32(os.Getegid())

	t.Run("map-root-user", func(t *testing.T) {
		pid := startProbe(t, "unshare", "--user", "--map-root-user", "sleep", "1000")
		probeUntil(t, func() bool { return commIs(pid, "sleep") }, "unshare to exec sleep")
		info, err := readUserInfo("/proc", pid)
		if err != nil {
			t.Fatal(err)
		}
		want := UserInfo{UIDMap: []IDMapRange{{0, uid, 1}}, GIDMap: []IDMapRange{{0, gid, 1}}, SetGroups: "deny"}
		checkUserInfo(t, info, want)
	})

	t.Run("unmapped", func(t *testing.T) {
		pid := startProbe(t, "unshare", "--user", "sleep", "1000")
		probeUntil(t, func() bool { return commIs(pid, "sleep") }, "unshare to exec sleep")
		info, err := readUserInfo("/proc", pid)
		if err != nil {
			t.Fatal(err)
		}
		checkUserInfo(t, info, UserInfo{SetGroups: "allow"})
	})

	// outer maps 0-65535 to host 100000-165535; inner, made inside outer,
	// maps 0-9 to outer's 5-14: the scanner must see host 100005.
	t.Run("nested", func(t *testing.T) {
		outer := startProbe(t, "unshare", "--user", "sleep", "1000")
		probeUntil(t, func() bool { return commIs(outer, "sleep") }, "unshare to exec sleep")
		writeIDMap(t, outer, "uid_map", "0 100000 65536\n")
		writeIDMap(t, outer, "gid_map", "0 100000 65536\n")
		// nsenter switches to uid 0 of outer, which may then make inner.
		inner := startProbe(t, "nsenter", "--user", "--target", strconv.Itoa(outer), "unshare", "--user", "sleep", "1000")
		probeUntil(t, func() bool { return commIs(inner, "sleep") }, "nsenter to exec sleep")
		// Only a process in outer (or in inner) may write inner's map.
		write := exec.Command("nsenter", "--user", "--target", strconv.Itoa(outer),
			"sh", "-c", "echo '0 5 10' > /proc/"+strconv.Itoa(inner)+"/uid_map")
		if out, err := write.CombinedOutput(); err != nil {
			t.Fatalf("write inner uid_map: %v: %s", err, out)
		}
		info, err := readUserInfo("/proc", inner)
		if err != nil {
			t.Fatal(err)
		}
		checkUserInfo(t, info, UserInfo{UIDMap: []IDMapRange{{0, 100005, 10}}, SetGroups: "allow"})
	})
}

func writeIDMap(t *testing.T, pid int, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join("/proc", strconv.Itoa(pid), name), []byte(content), 0); err != nil {
		t.Fatal(err)
	}
}

func checkUserInfo(t *testing.T, got *UserInfo, want UserInfo) {
	t.Helper()
	if !slices.Equal(got.UIDMap, want.UIDMap) || !slices.Equal(got.GIDMap, want.GIDMap) || got.SetGroups != want.SetGroups {
		t.Errorf("got %+v, want %+v", *got, want)
	}
}

func FuzzParseIDMap(f *testing.F) {
	for _, name := range []string{"init.uid_map", "two_ranges.uid_map", "unmapped.uid_map"} {
		data, err := os.ReadFile(filepath.Join("testdata", "idmap", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("1 2 3\n\t4\t5\t6"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ranges, err := parseIDMap(data)
		if err != nil {
			return
		}
		if len(ranges) > maxIDMapLines {
			t.Errorf("%d ranges", len(ranges))
		}
		if lines := len(strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")); len(data) > 0 && len(ranges) != lines {
			t.Errorf("%d ranges from %d lines", len(ranges), lines)
		}
	})
}
