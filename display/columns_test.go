package display

import "testing"

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
		got, err := ChooseColumns(tt.output, false)
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
	all, _ := ChooseColumns("", true)
	if len(all) != len(Columns) {
		t.Errorf("--output-all gives %d columns, want %d", len(all), len(Columns))
	}
}
