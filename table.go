package main

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/nsdive/nsdive/display"
)

// column is one column of a table: its header and whether its cells are
// numbers, which line up on the right as in lsns and findmnt.
type column struct {
	header string
	right  bool
}

// tableRow is one row of cells, with the tree prefix drawn before the
// cell of the tree column.
type tableRow struct {
	cells  []string
	prefix string
}

// writeTable prints rows under headers, columns two spaces apart as
// util-linux does; the last column is not padded. treeCol is the index of
// the column that carries tree prefixes, or -1.
func writeTable(w io.Writer, cols []column, rows []tableRow, treeCol int, headings bool) error {
	widths := make([]int, len(cols))
	cell := func(r tableRow, i int) string {
		if i == treeCol {
			return r.prefix + r.cells[i]
		}
		return r.cells[i]
	}
	if headings {
		for i, c := range cols {
			widths[i] = utf8.RuneCountInString(c.header)
		}
	}
	for _, r := range rows {
		for i := range cols {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell(r, i)))
		}
	}
	var b bytes.Buffer
	line := func(cells func(i int) string) {
		start := b.Len()
		for i, c := range cols {
			text := cells(i)
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(text))
			switch {
			case c.right && i != treeCol:
				b.WriteString(pad + text)
			case i == len(cols)-1:
				b.WriteString(text)
			default:
				b.WriteString(text + pad)
			}
			if i < len(cols)-1 {
				b.WriteByte(' ')
			}
		}
		// An empty last cell would leave the padding of the others behind.
		b.Truncate(start + len(bytes.TrimRight(b.Bytes()[start:], " ")))
		b.WriteByte('\n')
	}
	if headings {
		line(func(i int) string { return cols[i].header })
	}
	for _, r := range rows {
		line(func(i int) string { return cell(r, i) })
	}
	_, err := b.WriteTo(w)
	return err
}

// flattenTree orders a tree's rows depth first, with the cells that
// cells returns for each, and draws tree prefixes as libsmartcols does
// ("├─", "└─", "│ ").
func flattenTree(roots []*display.Node, cells func(row int) []string) []tableRow {
	var out []tableRow
	var walk func(nodes []*display.Node, indent string, top bool)
	walk = func(nodes []*display.Node, indent string, top bool) {
		for i, n := range nodes {
			last := i == len(nodes)-1
			row := tableRow{cells: cells(n.Row)}
			next := indent
			if !top {
				if last {
					row.prefix = indent + "└─"
					next = indent + "  "
				} else {
					row.prefix = indent + "├─"
					next = indent + "│ "
				}
			}
			out = append(out, row)
			walk(n.Children, next, false)
		}
	}
	walk(roots, "", true)
	return out
}
