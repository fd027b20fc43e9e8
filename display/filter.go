package display

import (
	"fmt"

	"github.com/nsdive/nsdive/filter"
	"github.com/nsdive/nsdive/inspect"
)

// ParseFilter parses an lsns -Q expression over the namespace table's
// columns, any of them, shown or not (scols-filter(5); see package filter).
func ParseFilter(expr string) (*filter.Filter, error) {
	cols := make([]filter.Column, len(Columns))
	for i, c := range Columns {
		cols[i] = filter.Column{Name: c.Name, Type: c.Type}
	}
	return filter.Parse(expr, cols)
}

// MatchRows returns the rows that f matches, in their order; the rows must
// have been filled. It fails on the first row f cannot be evaluated on, as
// lsns does, naming its namespace.
func MatchRows(rows []*Row, f *filter.Filter) ([]*Row, error) {
	var out []*Row
	for _, r := range rows {
		ok, err := f.Match(r.Value)
		if err != nil {
			return nil, fmt.Errorf("namespace %d: %w", r.NS.ID.Ino, err)
		}
		if ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// NamespacesOf returns the namespaces of rows, in order.
func NamespacesOf(rows []*Row) []*inspect.Namespace {
	nss := make([]*inspect.Namespace, len(rows))
	for i, r := range rows {
		nss[i] = r.NS
	}
	return nss
}
