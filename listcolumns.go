package main

import (
	"io"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/filter"
	"github.com/nsdive/nsdive/internal/jsonw"
)

// columnTypeName is how lsns -H names a column's type.
func columnTypeName(t filter.Type) string {
	if t == filter.Number {
		return "<integer>"
	}
	return "<string>"
}

// writeColumnList prints the columns of `nsdive list` as lsns -H does:
// name (right-aligned), type and description, with no headings; as
// {"lsns-columns": [{"holder", "type", "description"}]} for -J, the
// member names lsns uses; or as raw lines for -r.
func writeColumnList(w io.Writer, json, raw bool) error {
	if json {
		items := make([]jsonw.Object, len(display.Columns))
		for i, c := range display.Columns {
			items[i] = jsonw.Object{{Key: "holder", Value: c.Name}, {Key: "type", Value: columnTypeName(c.Type)}, {Key: "description", Value: c.Help}}
		}
		return jsonw.Write(w, jsonw.Object{{Key: "lsns-columns", Value: items}})
	}
	rows := make([]tableRow, len(display.Columns))
	for i, c := range display.Columns {
		rows[i] = tableRow{cells: []string{c.Name, columnTypeName(c.Type), c.Help}}
	}
	if raw {
		return writeRaw(w, nil, rows, -1, false)
	}
	return writeTable(w, []column{{header: "HOLDER", right: true}, {header: "TYPE"}, {header: "DESCRIPTION"}}, rows, -1, false)
}
