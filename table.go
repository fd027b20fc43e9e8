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
// the column that carries tree prefixes, or -1. A cell with newlines
// spans several lines, as libsmartcols prints lsns's NSFS.
func writeTable(w io.Writer, cols []column, rows []tableRow, treeCol int, headings bool) error {
	widths := make([]int, len(cols))
	if headings {
		for i, c := range cols {
			widths[i] = utf8.RuneCountInString(c.header)
		}
	}
	// lines holds each row's cells split at newlines.
	lines := make([][][]string, len(rows))
	for n, r := range rows {
		lines[n] = make([][]string, len(cols))
		for i := range cols {
			text := r.cells[i]
			if i == treeCol {
				text = r.prefix + text
			}
			lines[n][i] = strings.Split(text, "\n")
			for _, l := range lines[n][i] {
				widths[i] = max(widths[i], utf8.RuneCountInString(l))
			}
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
	for _, cells := range lines {
		height := 1
		for _, c := range cells {
			height = max(height, len(c))
		}
		for k := range height {
			line(func(i int) string {
				if k < len(cells[i]) {
					return cells[i][k]
				}
				return ""
			})
		}
	}
	_, err := b.WriteTo(w)
	return err
}

// writeRaw prints cells separated by single spaces, as lsns -r does:
// every byte that is blank, a backslash or not printable ASCII is
// written \xHH, so that no cell holds a space. The tree column carries
// its prefix, escaped as well.
func writeRaw(w io.Writer, names []string, rows []tableRow, treeCol int, headings bool) error {
	var b strings.Builder
	if headings {
		b.WriteString(strings.Join(names, " ") + "\n")
	}
	for _, r := range rows {
		for i, cell := range r.cells {
			if i > 0 {
				b.WriteByte(' ')
			}
			if i == treeCol {
				cell = r.prefix + cell
			}
			writeRawCell(&b, cell)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeRawCell escapes one cell as libsmartcols's raw format does.
func writeRawCell(b *strings.Builder, cell string) {
	const hex = "0123456789abcdef"
	for i := 0; i < len(cell); i++ {
		c := cell[i]
		if c > ' ' && c < 0x7f && c != '\\' {
			b.WriteByte(c)
			continue
		}
		b.WriteString(`\x`)
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
	}
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
