package filter

import "strings"

// Row gives the cell of a named column in one row: nil when the cell is
// empty, else a string, an integer, a float64 or a bool. Names are spelt
// as in the Column list given to Parse.
type Row func(column string) any

// Match reports whether the row satisfies the filter. An error says which
// comparison could not be made on this row (a text that is not a number,
// a regular expression on a number), as lsns stops with "failed to apply
// filter" there.
func (f *Filter) Match(row Row) (bool, error) {
	if f.root == nil {
		return true, nil
	}
	e := evaluator{src: f.src, row: row}
	return e.truth(f.root)
}

// evaluator evaluates the nodes of one expression on one row.
type evaluator struct {
	src string
	row Row
}

// truth evaluates n as a condition: an operand is true when it is not
// empty, zero or false.
func (e *evaluator) truth(n node) (bool, error) {
	switch n := n.(type) {
	case *notNode:
		t, err := e.truth(n.x)
		return !t, err
	case *logicNode:
		t, err := e.truth(n.l)
		if err != nil || t == n.or {
			return t, err
		}
		return e.truth(n.r)
	case *compareNode:
		return e.compare(n)
	}
	v, err := e.operand(n)
	if err != nil || v.null {
		return false, err
	}
	switch v.typ {
	case String:
		return v.s != "", nil
	case Number:
		return v.n != 0, nil
	case Float:
		return v.f != 0, nil
	}
	return v.b, nil
}

// operand returns a literal or a cell in its own type.
func (e *evaluator) operand(n node) (value, error) {
	switch n := n.(type) {
	case *literalNode:
		return n.v, nil
	case *columnNode:
		v, err := cellValue(e.row(n.name), n.typ)
		if err != nil {
			return value{}, errorAt(e.src, n.at, "column %s: %v", n.name, err)
		}
		return v, nil
	}
	t, err := e.truth(n)
	return value{typ: Boolean, b: t}, err
}

// typeOf is the type a node has before conversion.
func typeOf(n node) Type {
	switch n := n.(type) {
	case *literalNode:
		return n.v.typ
	case *columnNode:
		return n.typ
	}
	return Boolean
}

// comparisonType chooses the type a comparison works in, as libsmartcols's
// guess_expr_datatype does: the common type; else a literal's over a
// column's, else the left side's; and a float over a number.
func comparisonType(l, r node) Type {
	lt, rt := typeOf(l), typeOf(r)
	if lt == rt {
		return lt
	}
	_, lcol := l.(*columnNode)
	_, rcol := r.(*columnNode)
	t := lt
	if lcol && !rcol {
		t = rt
	}
	if t == Number && (lt == Float || rt == Float) {
		t = Float
	}
	return t
}

func (e *evaluator) compare(n *compareNode) (bool, error) {
	typ := comparisonType(n.l, n.r)
	if (n.op == tMatch || n.op == tNoMatch) && typ != String {
		return false, errorAt(e.src, n.at, "%s needs text on its left, not a %s", opText[n.op], typ)
	}
	l, err := e.converted(n.l, typ)
	if err != nil {
		return false, err
	}
	r, err := e.converted(n.r, typ)
	if err != nil {
		return false, err
	}
	switch n.op {
	case tMatch:
		return n.re.MatchString(l.s), nil
	case tNoMatch:
		return !n.re.MatchString(l.s), nil
	}
	if typ != String && (l.null || r.null) {
		return false, nil
	}
	if typ == Float {
		return compareFloats(n.op, l.f, r.f), nil
	}
	c := compareOrdered(l, r)
	switch n.op {
	case tEQ:
		return c == 0, nil
	case tNE:
		return c != 0, nil
	case tLT:
		return c < 0, nil
	case tLE:
		return c <= 0, nil
	case tGT:
		return c > 0, nil
	}
	return c >= 0, nil
}

// converted evaluates n and converts it to typ; a failed conversion is an
// error at the node.
func (e *evaluator) converted(n node, typ Type) (value, error) {
	v, err := e.operand(n)
	if err != nil {
		return value{}, err
	}
	c, err := convert(v, typ)
	if err != nil {
		return value{}, errorAt(e.src, n.offset(), "cannot compare as a %s: %v", typ, err)
	}
	return c, nil
}

// compareOrdered orders two texts, numbers or booleans of one type; texts
// byte by byte, an empty cell first.
func compareOrdered(l, r value) int {
	switch l.typ {
	case String:
		if l.null || r.null {
			return cmp3(l.null && !r.null, r.null && !l.null)
		}
		return strings.Compare(l.s, r.s)
	case Number:
		return cmp3(l.n < r.n, l.n > r.n)
	}
	return cmp3(!l.b && r.b, l.b && !r.b)
}

// compareFloats applies op as C does, so that NaN (read from a cell
// "nan") equals nothing.
func compareFloats(op kind, l, r float64) bool {
	switch op {
	case tEQ:
		return l == r
	case tNE:
		return l != r
	case tLT:
		return l < r
	case tLE:
		return l <= r
	case tGT:
		return l > r
	}
	return l >= r
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}
