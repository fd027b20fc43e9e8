package main

import (
	"strings"
	"testing"
)

func TestPrintDefaults(t *testing.T) {
	fs := newFlagSet("t")
	var pid int
	fs.BoolP("json", "J", false, "use JSON")
	fs.VarP(pidValue{&pid}, "task", "p", "this process")
	fs.StringP("tree", "T", "", "nest by `RELATION`")
	fs.Lookup("tree").NoOptDefVal = "owner"
	fs.Bool("details", false, "everything")
	var b strings.Builder
	printDefaults(&b, fs)
	want := "" +
		"      --details          everything\n" +
		"  -J, --json             use JSON\n" +
		"  -p, --task PID         this process\n" +
		"  -T, --tree[=RELATION]  nest by RELATION\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestPIDValueIsDecimal(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int // 0: an error
	}{
		{"32420", 32420}, {"032420", 32420}, {"0x7ea4", 0}, {"0", 0}, {"-1", 0}, {"1e3", 0}, {"99999999999", 0},
	} {
		var pid int
		err := pidValue{&pid}.Set(tt.in)
		if (err == nil) != (tt.want != 0) || pid != tt.want {
			t.Errorf("Set(%q): pid %d, error %v; want %d", tt.in, pid, err, tt.want)
		}
	}
}

func TestShortenMessage(t *testing.T) {
	huge := strings.Repeat("x", 10000)
	if got := quoteArg(huge); got != `"`+huge[:maxQuoted]+`"…` {
		t.Errorf("quoteArg of a huge argument = %q", got)
	}
	if got := quoteArg("net"); got != `"net"` {
		t.Errorf("quoteArg(net) = %q", got)
	}
	msg := "unknown flag: --" + huge
	if got := shortenMessage(msg); got != "unknown flag: "+"--"+huge[:maxQuoted-2]+"…" {
		t.Errorf("shortenMessage = %q", got)
	}
	many := strings.Repeat("word ", 1000)
	if got := shortenMessage(many); len([]rune(got)) > 8*maxQuoted+1 {
		t.Errorf("shortenMessage leaves %d characters of a long message", len(got))
	}
	if got := shortenMessage("cannot read /proc/1/ns/net"); got != "cannot read /proc/1/ns/net" {
		t.Errorf("shortenMessage changed a short message: %q", got)
	}
}
