package filter

import (
	"errors"
	"strings"
	"testing"
)

// lsnsColumns are lsns's columns with the types its -H prints.
var lsnsColumns = []Column{
	{"NS", Number}, {"TYPE", String}, {"PATH", String}, {"NPROCS", Number},
	{"PID", Number}, {"PPID", Number}, {"COMMAND", String}, {"UID", Number},
	{"USER", String}, {"NETNSID", String}, {"NSFS", String}, {"PNS", Number},
	{"ONS", Number}, {"A-B", String}, {"X.Y:Z/W%", Number},
}

// TestParseShape checks precedence, associativity, literals and names by
// the fully parenthesised form; each grouping was checked against lsns
// 2.42.2 by a filter whose rows differ between the two readings.
func TestParseShape(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{``, ``},
		{`NPROCS == 0`, `(NPROCS == 0)`},
		{`nprocs==0`, `(NPROCS == 0)`},
		{`NProcs eq 0`, `(NPROCS == 0)`},
		{`TYPE EQ "net" AND NPROCS GT 0`, `((TYPE == "net") && (NPROCS > 0))`},
		// and/or share one level and associate to the left
		{`true || false && false`, `((true || false) && false)`},
		{`a-b or NS and PID`, `((A-B || NS) && PID)`},
		{`NS && PID || PPID`, `((NS && PID) || PPID)`},
		{`NS || (PID && PPID)`, `(NS || (PID && PPID))`},
		// ! is at the level of the comparisons, to the left
		{`!TYPE == "net"`, `(!TYPE == "net")`},
		{`not TYPE == "net"`, `(!TYPE == "net")`},
		{`NOT (TYPE == "net")`, `!(TYPE == "net")`},
		{`!!NS`, `!!NS`},
		{`NS == !PID == PPID`, `((NS == !PID) == PPID)`},
		{`!NS && PID`, `(!NS && PID)`},
		{`NS < 1 == true`, `((NS < 1) == true)`},
		{`NS ne 1 || NS lt 2 || NS le 3 || NS ge 4`, `((((NS != 1) || (NS < 2)) || (NS <= 3)) || (NS >= 4))`},
		{`TYPE =~ "^n" && TYPE !~ "t$"`, `((TYPE =~ "^n") && (TYPE !~ "t$"))`},
		{`TYPE =~ ("x")`, `(TYPE =~ "x")`},
		// literals
		{`1K == 1024`, `(1024 == 1024)`},
		{`1KiB == 1M`, `(1024 == 1048576)`},
		{`1EiB`, `1152921504606846976`},
		{`010K`, `8192`},
		{`0Z`, `0`},
		{`010`, `10`},
		{`1.5 >= 0.25`, `(1.5 >= 0.25)`},
		{`18446744073709551616`, `18446744073709551615`},
		{`99999999999999999999999`, `18446744073709551615`},
		{`"  net  "`, `"net"`},
		{`'say "hi"'`, `'say "hi"'`},
		{`"it's"`, `"it's"`},
		{`TRUE || FALSE`, `(true || false)`},
		{"NS\n==\t1", `(NS == 1)`},
		{`x.y:z/w% > 1`, `(X.Y:Z/W% > 1)`},
	} {
		f, err := Parse(tc.expr, lsnsColumns)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.expr, err)
			continue
		}
		if got := f.String(); got != tc.want {
			t.Errorf("Parse(%q) = %s, want %s", tc.expr, got, tc.want)
		}
	}
}

// TestParseErrors checks that each mistake is reported at its place. lsns
// rejects all of these too, except where noted.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		expr string
		pos  int
		msg  string
	}{
		{`(`, 2, "unexpected end of expression"},
		{`NPROCS ==`, 10, "unexpected end of expression: want a column"},
		{`NPROCS == 0)`, 12, `unexpected ")": want no ")" without its "("`},
		{`(NPROCS == 0`, 13, `want an operator or the ")" that closes the "(" at position 1`},
		{`NPROCS 0`, 8, "unexpected number 0: want an operator or the end"},
		{`0x10`, 2, "unexpected name x10"},
		{`NPROCS>89-1`, 10, `unexpected '-'`},
		{`1Ki == 1024`, 3, "unexpected name i"},
		{`NPROCS @ 1`, 8, `unexpected '@'`}, // lsns prints "@" and goes on
		{`-1 < 0`, 1, `unexpected '-' (numbers cannot be negative)`},
		{`NPROCS = 1`, 8, `unexpected '=' (did you mean "=="?)`},
		{`NS & PID`, 4, `(did you mean "&&"?)`},
		{`NS | PID`, 4, `(did you mean "||"?)`},
		{`TYPE == "net`, 9, "unterminated string: add the closing \""},
		{`TYPE == 'net`, 9, "unterminated string: add the closing '"},
		{"TYPE == \"n\net\"", 9, "unterminated string"},
		{`FOO == 1`, 1, `unknown column "FOO"`},
		{`NS == 1 && FOO == BAR || foo`, 12, `unknown column "FOO", "BAR", "foo"`},
		{`True`, 1, `unknown column "True"`},
		{`TYPE =~ NPROCS`, 9, "the right side of =~ must be a regular expression in quotes"},
		{`NPROCS =~ 5`, 11, "the right side of =~ must be a regular expression in quotes"}, // lsns crashes
		{`TYPE !~ !"x"`, 9, "the right side of !~ must be"},
		{`TYPE =~ "["`, 9, `invalid regular expression "["`},
		{`1Y > 1`, 1, "1Y: number too large"},
		{`16E`, 1, "16E: number too large"},
		{`99999999999999999999K`, 1, "number too large"},
		{`09K`, 1, "a number with a leading 0 and a size suffix is octal"},
		{`1.`, 2, `unexpected '.'`},
		{`NS == 1 ==`, 11, "unexpected end of expression"},
		{`&&`, 1, `unexpected "&&"`},
		{`"é" @`, 5, `unexpected '@'`},
		{strings.Repeat("(", maxDepth+1) + "1" + strings.Repeat(")", maxDepth+1), maxDepth + 1, "nested deeper than 1000 levels"},
	} {
		_, err := Parse(tc.expr, lsnsColumns)
		var fe *Error
		if !errors.As(err, &fe) {
			t.Errorf("Parse(%q) = %v, want an *Error", tc.expr, err)
			continue
		}
		if fe.Position() != tc.pos || !strings.Contains(fe.Msg, tc.msg) || fe.Expr != tc.expr {
			t.Errorf("Parse(%q) = %v, want position %d: ...%s...", tc.expr, err, tc.pos, tc.msg)
		}
	}
}

func TestColumns(t *testing.T) {
	f, err := Parse(`type == "net" && (nprocs == 0 || NSFS) && TYPE != "x" && !netnsid`, lsnsColumns)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(f.Columns(), ","), "TYPE,NPROCS,NSFS,NETNSID"; got != want {
		t.Errorf("Columns() = %s, want %s", got, want)
	}
	f, err = Parse("", lsnsColumns)
	if err != nil || len(f.Columns()) != 0 {
		t.Errorf(`Parse("") = %v, %v: want no columns`, f.Columns(), err)
	}
}
