package display

import (
	"slices"
	"testing"

	"github.com/nsdive/nsdive/inspect"
)

func TestChooseColumns(t *testing.T) {
	tests := []struct {
		output string
		want   []string
		ok     bool
	}{
		{"", DefaultColumns, true},
		{"ns,type", []string{"NS", "TYPE"}, true},
		{"+PATH", append(append([]string{}, DefaultColumns...), "PATH"), true},
		{"NS,NOPE", nil, false},
	}
	for _, tt := range tests {
		got, err := ChooseColumns(tt.output, false, DefaultColumns)
		if (err == nil) != tt.ok || len(got) != len(tt.want) {
			t.Errorf("ChooseColumns(%q) = %v, %v; want %v", tt.output, got, err, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("ChooseColumns(%q) = %v; want %v", tt.output, got, tt.want)
			}
		}
	}
	all, _ := ChooseColumns("", true, DefaultColumns)
	if len(all) != len(Columns) {
		t.Errorf("--output-all gives %d columns, want %d", len(all), len(Columns))
	}
}

func TestDefaultColumnsFor(t *testing.T) {
	tests := []struct {
		types []inspect.Type
		want  []string
	}{
		{nil, DefaultColumns},
		{[]inspect.Type{inspect.UTS}, DefaultColumns},
		{[]inspect.Type{inspect.Net}, []string{"NS", "TYPE", "NPROCS", "PID", "USER", "NETNSID", "NSFS", "COMMAND"}},
		{[]inspect.Type{inspect.UTS, inspect.Net}, []string{"NS", "TYPE", "NPROCS", "PID", "USER", "NETNSID", "NSFS", "COMMAND"}},
	}
	for _, tt := range tests {
		if got := DefaultColumnsFor(tt.types); !slices.Equal(got, tt.want) {
			t.Errorf("DefaultColumnsFor(%v) = %v, want %v", tt.types, got, tt.want)
		}
	}
	got, err := ChooseColumns("+PATH", false, DefaultColumnsFor([]inspect.Type{inspect.Net}))
	if want := []string{"NS", "TYPE", "NPROCS", "PID", "USER", "NETNSID", "NSFS", "COMMAND", "PATH"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("-t net -o +PATH: %v, %v; want %v", got, err, want)
	}
}
