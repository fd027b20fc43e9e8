package filter

import "testing"

// FuzzParse checks that no expression makes Parse or Match panic, and that
// what Parse accepts prints as an expression that parses to the same
// filter.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		``, `NPROCS == 0`, `TYPE == "net" && NPROCS == 0`, `!TYPE == 'net'`,
		`(NS > 1K) or not PID`, `TYPE =~ "^n(e|x)t$" || COMMAND !~ "."`,
		`1.5 >= PID`, `"5" == 5`, `NETNSID eq 0`, `((((NS))))`, `010K`, `"`,
		`18446744073709551616`, `a-b`, `x.y:z/w%`, `1EiB`, `nsfs`,
	} {
		f.Add(seed)
	}
	rows := []Row{rowOf(hostNet), rowOf(persistentNet), rowOf(map[string]any{
		"NS": "x", "PID": -3, "COMMAND": 1.5, "USER": []int{1}, "NSFS": "nan", "A-B": true,
	})}
	f.Fuzz(func(t *testing.T, expr string) {
		flt, err := Parse(expr, lsnsColumns)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Parse(%q) = %v, not an *Error", expr, err)
			}
			return
		}
		for _, row := range rows {
			_, _ = flt.Match(row)
		}
		printed := flt.String()
		again, err := Parse(printed, lsnsColumns)
		if err != nil {
			t.Fatalf("Parse(%q) printed %q, which does not parse: %v", expr, printed, err)
		}
		if again.String() != printed {
			t.Fatalf("Parse(%q) printed %q, which prints as %q", expr, printed, again.String())
		}
	})
}
