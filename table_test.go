package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteTableTree(t *testing.T) {
	cols := []column{{"NS", true}, {"TYPE", false}, {"NPROCS", true}, {"COMMAND", false}}
	roots := []*treeNode{
		{row: tableRow{cells: []string{"4026531837", "user", "70", "kthreadd"}}, children: []*treeNode{
			{row: tableRow{cells: []string{"4026532176", "user", "1", "sleep 300"}}},
			{row: tableRow{cells: []string{"4026532177", "user", "2", "unshare -U"}}, children: []*treeNode{
				{row: tableRow{cells: []string{"4026532180", "net", "1", "sh"}}},
			}},
		}},
	}
	var b bytes.Buffer
	if err := writeTable(&b, cols, flattenTree(roots), 0, true); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"NS             TYPE NPROCS COMMAND\n" +
		"4026531837     user     70 kthreadd\n" +
		"├─4026532176   user      1 sleep 300\n" +
		"└─4026532177   user      2 unshare -U\n" +
		"  └─4026532180 net       1 sh\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteTableRightAligned(t *testing.T) {
	var b bytes.Buffer
	rows := []tableRow{{cells: []string{"7", "a"}}, {cells: []string{"1234", "b"}}}
	if err := writeTable(&b, []column{{"PID", true}, {"NAME", false}}, rows, -1, false); err != nil {
		t.Fatal(err)
	}
	if want := "   7 a\n1234 b\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestChooseColumns(t *testing.T) {
	tests := []struct {
		output string
		want   []string
		ok     bool
	}{
		{"", defaultListColumns, true},
		{"ns,type", []string{"NS", "TYPE"}, true},
		{"+PATH", append(append([]string{}, defaultListColumns...), "PATH"), true},
		{"NS,NOPE", nil, false},
	}
	for _, tt := range tests {
		got, err := chooseColumns(tt.output, false)
		if (err == nil) != tt.ok || len(got) != len(tt.want) {
			t.Errorf("chooseColumns(%q) = %v, %v; want %v", tt.output, got, err, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("chooseColumns(%q) = %v; want %v", tt.output, got, tt.want)
			}
		}
	}
	all, _ := chooseColumns("", true)
	if len(all) != len(listColumns) {
		t.Errorf("--output-all gives %d columns, want %d", len(all), len(listColumns))
	}
}

func TestJSONObjectKeepsOrder(t *testing.T) {
	var b strings.Builder
	if err := writeJSON(&b, jsonObject{{"ns", 1}, {"type", "net"}, {"command", nil}}); err != nil {
		t.Fatal(err)
	}
	if want := "{\n   \"ns\": 1,\n   \"type\": \"net\",\n   \"command\": null\n}\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
