package inspect

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseSchedstat(t *testing.T) {
	for _, tt := range []struct {
		file  string
		want  schedStat
		known bool
	}{
		{"sleeping", schedStat{runNS: 970293, slices: 1}, true},
		{"off", schedStat{}, false},
	} {
		data, err := os.ReadFile(filepath.Join("testdata/schedstat", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseSchedstat(data)
		if err != nil || got != tt.want || got.known() != tt.known {
			t.Errorf("%s: %+v (known %v), %v; want %+v (known %v)", tt.file, got, got.known(), err, tt.want, tt.known)
		}
	}
	for _, bad := range []string{"", "1 2", "1 2 3 4", "x 2 3", "1 2 -3"} {
		if _, err := parseSchedstat([]byte(bad)); err == nil {
			t.Errorf("parseSchedstat(%q) = nil error, want one", bad)
		}
	}
	data, err := os.ReadFile("testdata/schedstat/short")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parseSchedstat(data); err == nil {
		t.Error("parseSchedstat of two fields = nil error, want one")
	}
}
