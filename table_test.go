package main

import (
	"bytes"
	"testing"

	"github.com/nsdive/nsdive/display"
)

func TestWriteTableTree(t *testing.T) {
	cols := []column{{"NS", true}, {"TYPE", false}, {"NPROCS", true}, {"COMMAND", false}}
	cells := [][]string{
		{"4026531837", "user", "70", "kthreadd"},
		{"4026532176", "user", "1", "sleep 300"},
		{"4026532177", "user", "2", "unshare -U"},
		{"4026532180", "net", "1", "sh"},
	}
	roots := []*display.Node{
		{Row: 0, Children: []*display.Node{
			{Row: 1},
			{Row: 2, Children: []*display.Node{{Row: 3}}},
		}},
	}
	var b bytes.Buffer
	if err := writeTable(&b, cols, flattenTree(roots, func(i int) []string { return cells[i] }), 0, true); err != nil {
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

func TestWriteTableMultilineCell(t *testing.T) {
	var b bytes.Buffer
	rows := []tableRow{{cells: []string{"4026532176", "/run/netns/a\n/tmp/b", "x"}}, {cells: []string{"4026532177", "", "y"}}}
	if err := writeTable(&b, []column{{"NS", true}, {"NSFS", false}, {"C", false}}, rows, -1, true); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"        NS NSFS         C\n" +
		"4026532176 /run/netns/a x\n" +
		"           /tmp/b\n" +
		"4026532177              y\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteRawEscapes(t *testing.T) {
	var b bytes.Buffer
	rows := []tableRow{
		{cells: []string{"1", "sleep 1000", "a\\b\tc"}},
		{cells: []string{"2", "sh", ""}, prefix: "└─"},
	}
	if err := writeRaw(&b, []string{"NS", "COMMAND", "X"}, rows, 1, true); err != nil {
		t.Fatal(err)
	}
	// As libsmartcols: blanks, backslashes and bytes outside printable
	// ASCII as \xHH, the tree prefix included.
	want := "NS COMMAND X\n" +
		`1 sleep\x201000 a\x5cb\x09c` + "\n" +
		`2 \xe2\x94\x94\xe2\x94\x80sh ` + "\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
