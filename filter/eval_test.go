package filter

import (
	"errors"
	"strings"
	"testing"
)

// hostNet and persistentNet are two rows as lsns 2.42.2 shows them with
// -t net: the initial network namespace (kthreadd is its lowest pid) and
// one made by `ip netns add`, which has no process, so no PID, PPID or
// COMMAND.
var (
	hostNet = map[string]any{
		"NS": uint64(4026531833), "TYPE": "net", "NPROCS": 89, "PID": 2, "PPID": 0,
		"COMMAND": "kthreadd", "UID": 0, "USER": "root", "NETNSID": "unassigned",
	}
	persistentNet = map[string]any{
		"NS": uint64(4026551062), "TYPE": "net", "NPROCS": 0, "UID": 0, "USER": "root",
		"NETNSID": "unassigned", "NSFS": "/run/netns/fltr-probe",
	}
)

func rowOf(cells map[string]any) Row {
	return func(column string) any { return cells[column] }
}

// TestMatchAgainstLsns holds the results of lsns 2.42.2 on the two rows
// above (`lsns -t net -Q EXPR` on a host with such a netns), as two
// letters: T or F for hostNet then persistentNet, or E when lsns fails
// with "failed to apply filter". lsns stops at the first row that fails,
// so where only hostNet fails, persistentNet's letter comes from
// `-Q 'NPROCS == 0 && (EXPR)'`.
func TestMatchAgainstLsns(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{`NPROCS == 0`, "FT"},
		{`NPROCS > "10"`, "TF"}, // compared as texts: "89" > "10", "0" < "10"
		{`NPROCS > 10`, "TF"},
		{`TYPE == "net" && NPROCS == 0`, "FT"},
		{`TYPE == "  net  "`, "TT"},
		{`TYPE == 5`, "EE"},
		{`5 =~ "5"`, "EE"},
		{`NPROCS =~ "^8"`, "TF"},
		{`NETNSID == 0`, "EE"},
		{`NETNSID == "unassigned"`, "TT"},
		{`NETNSID`, "TT"},
		{`PID == 0`, "FF"},
		{`!(PID == 0)`, "TT"},
		{`PID != 0`, "TF"},
		{`PID < 1`, "FF"},
		{`PID`, "TF"},
		{`!PID`, "FT"},
		{`PID == "0"`, "FT"},
		{`PID == ""`, "FF"},
		{`PID =~ "^$"`, "FF"},
		{`PID < 1.5`, "FT"},
		{`PID == false`, "FT"},
		{`PID != true`, "FT"},
		{`USER`, "TT"},
		{`USER == ""`, "FF"},
		{`USER != "root"`, "FF"},
		{`COMMAND < "a"`, "FT"},
		{`COMMAND == ""`, "FF"},
		{`COMMAND != ""`, "TT"},
		{`COMMAND`, "TF"},
		{`!COMMAND`, "FT"},
		{`COMMAND =~ ""`, "TT"},
		{`COMMAND !~ "."`, "FT"},
		{`COMMAND == 0`, "EF"},
		{`COMMAND == COMMAND`, "TT"},
		{`COMMAND == PID`, "FF"},
		{`PID == COMMAND`, "EF"},
		{`NSFS =~ "probe$"`, "FT"},
		{`NSFS == "/run/netns/fltr-probe"`, "FT"},
		{`nsfs =~ "^/run/netns/fltr-probe$"`, "FT"},
		{`!TYPE == "net"`, "TT"},
		{`not TYPE == "net"`, "TT"},
		{`! (TYPE == "net")`, "FF"},
		{`TYPE == "net" == true`, "TT"},
		{`true == "true"`, "TT"},
		{`"true" == true`, "TT"},
		{`"yes" == true`, "FF"},
		{`TYPE == true`, "FF"},
		{`"y" == true`, "FF"},
		{`1.0 == 1`, "TT"},
		{`"1.50" == 1.5`, "FF"},
		{`1.5 == "1.50"`, "TT"},
		{`"x"`, "TT"},
		{`""`, "FF"},
		{`0`, "FF"},
		{`0.0`, "FF"},
		{`false`, "FF"},
		{`TRUE`, "TT"},
		{`1K == 1024`, "TT"},
		{`NPROCS > 1.5`, "TF"},
		{`PID > 1.5`, "TF"},
		{`NS > 4026531833`, "FT"},
		{`NS >= 4026531833`, "TT"},
		{`NS == 4026531833 || NPROCS == 0 && PID`, "TF"},
		{`NPROCS == 0 || PID == 2 && TYPE == "net"`, "TT"},
		{`TYPE < "nf"`, "TT"},
		{`TYPE >= "net"`, "TT"},
		{`TYPE le "net"`, "TT"},
		{`TYPE != "mnt"`, "TT"},
		{`TYPE > 1`, "EE"},
		{`(TYPE == "net") > 0`, "TT"},
		{`(TYPE == "net") == 1`, "TT"},
		{`(NPROCS == 0) =~ "true"`, "EE"},
		{`NPROCS == 0 == false`, "TF"},
		{`false && TYPE == 5`, "FF"},
		{`true || TYPE == 5`, "TT"},
		{`"5" == 5`, "TT"},
		{`5 == "5"`, "TT"},
		{`UID == 0`, "TT"},
		{`UID == "0"`, "TT"},
		{`PPID`, "FF"},
		{`PPID == 0`, "TF"},
		{`"abc" < "abd"`, "TT"},
		{`"b" > "abc"`, "TT"},
		{`TYPE =~ "^(net|mnt)$"`, "TT"},
		{`TYPE =~ "[[:alpha:]]+"`, "TT"},
		{`COMMAND =~ "^kth"`, "TF"},
		{`TYPE =~ "NET"`, "FF"},
		{`0.5 == 0.5`, "TT"},
		{``, "TT"},
	} {
		f, err := Parse(tc.expr, lsnsColumns)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.expr, err)
			continue
		}
		got := ""
		for _, row := range []map[string]any{hostNet, persistentNet} {
			ok, err := f.Match(rowOf(row))
			var fe *Error
			switch {
			case errors.As(err, &fe):
				got += "E"
			case err != nil:
				t.Errorf("%q: %v is not an *Error", tc.expr, err)
			case ok:
				got += "T"
			default:
				got += "F"
			}
		}
		if got != tc.want {
			t.Errorf("%q on (host, persistent) = %s, want %s", tc.expr, got, tc.want)
		}
	}
}

// TestMatchErrors checks that a failed evaluation says where and why.
func TestMatchErrors(t *testing.T) {
	for _, tc := range []struct {
		expr string
		pos  int
		msg  string
	}{
		{`TYPE == 5`, 1, `cannot compare as a number: "net" is not a number`},
		{`NETNSID == 0`, 1, `"unassigned" is not a number`},
		{`NS == 1 || 5 =~ "5"`, 14, "=~ needs text on its left, not a number"},
		{`(NPROCS == 0) !~ "x"`, 15, "!~ needs text on its left, not a boolean"},
		{`TYPE > 1.5`, 1, `cannot compare as a float: "net" is not a number`},
		{`1 == USER`, 6, `"root" is not a number`},
	} {
		f, err := Parse(tc.expr, lsnsColumns)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.expr, err)
		}
		_, err = f.Match(rowOf(hostNet))
		var fe *Error
		if !errors.As(err, &fe) || fe.Position() != tc.pos || !strings.Contains(fe.Msg, tc.msg) {
			t.Errorf("%q: %v, want position %d: ...%s...", tc.expr, err, tc.pos, tc.msg)
		}
	}
}

// TestCellValues checks how the Go values a Row returns enter the
// comparison: by the column's type, as libsmartcols reads each cell's text.
func TestCellValues(t *testing.T) {
	cols := []Column{{"N", Number}, {"S", String}, {"F", Float}, {"B", Boolean}}
	for _, tc := range []struct {
		cells map[string]any
		expr  string
		want  string // T, F or E
	}{
		{map[string]any{"N": "42"}, `N == 42`, "T"},
		{map[string]any{"N": " 42 "}, `N == 42`, "T"},
		{map[string]any{"N": "+42"}, `N == 42`, "T"},
		{map[string]any{"N": ""}, `N == 0`, "E"},
		{map[string]any{"N": "-1"}, `N == 0`, "E"},
		{map[string]any{"N": -1}, `N == 0`, "E"},
		{map[string]any{"N": "18446744073709551616"}, `N > 0`, "E"},
		{map[string]any{"N": int32(7)}, `N == 7`, "T"},
		{map[string]any{"N": int64(7)}, `N == 7`, "T"},
		{map[string]any{"N": uint(7)}, `N == 7`, "T"},
		{map[string]any{"N": uint32(7)}, `N == 7`, "T"},
		{map[string]any{"N": 7.9}, `N == 7`, "T"},
		{map[string]any{"N": true}, `N == 1`, "T"},
		{map[string]any{"S": 7}, `S == "7"`, "T"},
		{map[string]any{"S": "  x  "}, `S == "x"`, "T"},
		{map[string]any{"S": []string{"a"}}, `S == "[a]"`, "T"},
		{map[string]any{"S": 2.5}, `S == "2.5"`, "T"},
		{map[string]any{"F": "2.5"}, `F > 2`, "T"},
		{map[string]any{"F": "nan"}, `F == F`, "F"},
		{map[string]any{"F": "nan"}, `F != 1.0`, "T"},
		{map[string]any{"F": float32(0.5)}, `F == 0.5`, "T"},
		{map[string]any{"F": 1e20}, `F == "1e+20"`, "T"},
		{map[string]any{"F": "x"}, `F`, "E"},
		{map[string]any{"F": 2.0}, `F == 2`, "T"},
		{map[string]any{"F": 1e30}, `(F > 0) && F > 18446744073709551615`, "T"},
		{map[string]any{"B": "yes"}, `B`, "T"},
		{map[string]any{"B": "TRUE"}, `B == true`, "T"},
		{map[string]any{"B": "1"}, `B`, "T"},
		{map[string]any{"B": "no"}, `B`, "F"},
		{map[string]any{"B": true}, `B > false`, "T"},
		{map[string]any{"B": true}, `B == "true"`, "T"},
		{map[string]any{"B": false}, `B == 0`, "T"},
		{map[string]any{"B": true}, `B == 1.0`, "T"},
		{map[string]any{}, `B == false`, "F"},
		{map[string]any{}, `B`, "F"},
		{map[string]any{}, `F`, "F"},
		{map[string]any{}, `F == 0`, "F"},
		{map[string]any{}, `F == "0"`, "T"},
		{map[string]any{}, `S == 0`, "F"},
		{map[string]any{}, `S == S`, "T"},
		{map[string]any{}, `S < S`, "F"},
		{map[string]any{"S": "a"}, `S > N`, "T"},
	} {
		f, err := Parse(tc.expr, cols)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.expr, err)
		}
		ok, err := f.Match(rowOf(tc.cells))
		got := map[bool]string{true: "T", false: "F"}[ok]
		if err != nil {
			got = "E"
		}
		if got != tc.want {
			t.Errorf("%q on %v = %s (%v), want %s", tc.expr, tc.cells, got, err, tc.want)
		}
	}
}

// BenchmarkMatch measures a typical filter on one row; nsdive list runs
// it once for each namespace shown.
func BenchmarkMatch(b *testing.B) {
	f, err := Parse(`TYPE == "net" && (NPROCS == 0 || COMMAND =~ "^unshare") || nsfs`, lsnsColumns)
	if err != nil {
		b.Fatal(err)
	}
	rows := []Row{rowOf(hostNet), rowOf(persistentNet)}
	for i := 0; b.Loop(); i++ {
		if _, err := f.Match(rows[i%2]); err != nil {
			b.Fatal(err)
		}
	}
}
