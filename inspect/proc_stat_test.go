package inspect

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		file  string
		comm  string
		state byte
		ppid  int
		start uint64
		nthr  int
	}{
		{"kthreadd", "kthreadd", 'S', 0, 18, 1},
		{"tricky-comm", "a b) c)) (x", 'S', 1, 98765, 3},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/stat", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			st, err := parseStat(data)
			if err != nil {
				t.Fatal(err)
			}
			if st.Comm != tt.comm || st.State != tt.state || st.PPID != tt.ppid {
				t.Errorf("got comm %q state %c ppid %d; want %q %c %d",
					st.Comm, st.State, st.PPID, tt.comm, tt.state, tt.ppid)
			}
			if st.StartTime != tt.start || st.Threads != tt.nthr {
				t.Errorf("start time %d, threads %d; want %d, %d", st.StartTime, st.Threads, tt.start, tt.nthr)
			}
		})
	}
}

func TestParseStatErrors(t *testing.T) {
	for _, bad := range []string{"", "12", "12 (x", "x (sh) S 1", "12 (sh) S", "12 (sh) SS 1 2 3", "12 (sh) S x 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5", "12 (sh) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 x 0 5"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) = nil error, want one", bad)
		}
	}
}

func FuzzParseStat(f *testing.F) {
	for _, name := range []string{"self", "kthreadd", "tricky-comm"} {
		data, err := os.ReadFile(filepath.Join("testdata/stat", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := parseStat(data)
		if err == nil && st.PID == 0 && len(data) > 0 && data[0] != '0' {
			t.Errorf("parsed pid 0 from %q", data)
		}
	})
}

func TestParseNSLink(t *testing.T) {
	tests := []struct {
		in   string
		name string
		ino  uint64
		ok   bool
	}{
		{"net:[4026531833]", "net", 4026531833, true},
		{"pid_for_children:[4026531836]", "pid_for_children", 4026531836, true},
		{"net:[]", "", 0, false},
		{"net:4026531833", "", 0, false},
		{":[1]", "", 0, false},
		{"socket:[123", "", 0, false},
		{"net:[12x]", "", 0, false},
	}
	for _, tt := range tests {
		name, ino, err := parseNSLink([]byte(tt.in))
		if (err == nil) != tt.ok || string(name) != tt.name || ino != tt.ino {
			t.Errorf("parseNSLink(%q) = %q, %d, %v", tt.in, name, ino, err)
		}
	}
}
