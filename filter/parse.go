package filter

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
)

// Column is a column that an expression may name, with its type.
type Column struct {
	Name string // as Columns and Row spell it; expressions may use any case
	Type Type   // how a comparison reads the column's cells
}

// Filter is a parsed expression whose names are bound to columns.
type Filter struct {
	src     string
	root    node // nil for an empty expression, which matches every row
	columns []string
}

// The nodes of a parsed expression; at is the byte offset of the token
// that made each one.
type (
	node        interface{ offset() int }
	literalNode struct {
		at int
		v  value
	}
	columnNode struct {
		at   int
		name string
		typ  Type
	}
	notNode struct {
		at int
		x  node
	}
	logicNode struct {
		at   int
		or   bool
		l, r node
	}
	compareNode struct {
		at   int
		op   kind
		l, r node
		re   *regexp.Regexp // for =~ and !~
	}
)

func (n *literalNode) offset() int { return n.at }
func (n *columnNode) offset() int  { return n.at }
func (n *notNode) offset() int     { return n.at }
func (n *logicNode) offset() int   { return n.at }
func (n *compareNode) offset() int { return n.at }

// maxDepth bounds the nesting of parentheses and negations, so that a
// hostile expression cannot exhaust the stack.
const maxDepth = 1000

// parser is a recursive-descent parser over the tokens of one expression.
type parser struct {
	src     string
	toks    []token
	i       int
	depth   int
	cols    []Column
	used    []string
	unknown []string // quoted, each once
	// unknownAt is the offset of the first unknown name.
	unknownAt int
}

// Parse parses expr and binds its names to cols, ignoring case as lsns
// does. It reports the first syntax error, or every unknown column.
func Parse(expr string, cols []Column) (*Filter, error) {
	toks, err := lex(expr)
	if err != nil {
		return nil, err
	}
	f := &Filter{src: expr}
	if len(toks) == 1 {
		return f, nil
	}
	p := &parser{src: expr, toks: toks, cols: cols}
	root, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEnd {
		want := `an operator or the end`
		if t.kind == tRParen {
			want = `no ")" without its "("`
		}
		return nil, errorAt(expr, t.pos, "unexpected %s: want %s", describe(t), want)
	}
	if len(p.unknown) > 0 {
		return nil, errorAt(expr, p.unknownAt, "unknown column %s", strings.Join(p.unknown, ", "))
	}
	f.root, f.columns = root, p.used
	return f, nil
}

// Columns returns the columns the expression names, each once, in the
// order they first appear, as spelt in the Column list given to Parse.
func (f *Filter) Columns() []string { return slices.Clone(f.columns) }

// String returns the expression with every operation in parentheses and
// names as the columns spell them; Parse reads it back to the same filter.
func (f *Filter) String() string {
	if f.root == nil {
		return ""
	}
	var b strings.Builder
	writeNode(&b, f.root)
	return b.String()
}

func writeNode(b *strings.Builder, n node) {
	switch n := n.(type) {
	case *literalNode:
		b.WriteString(literalText(n.v))
	case *columnNode:
		b.WriteString(n.name)
	case *notNode:
		b.WriteString("!")
		writeNode(b, n.x)
	case *logicNode:
		op := " && "
		if n.or {
			op = " || "
		}
		writeBinary(b, n.l, op, n.r)
	case *compareNode:
		writeBinary(b, n.l, " "+opText[n.op]+" ", n.r)
	}
}

func writeBinary(b *strings.Builder, l node, op string, r node) {
	b.WriteString("(")
	writeNode(b, l)
	b.WriteString(op)
	writeNode(b, r)
	b.WriteString(")")
}

// opText spells the comparison operators.
var opText = map[kind]string{
	tEQ: "==", tNE: "!=", tLT: "<", tLE: "<=", tGT: ">", tGE: ">=",
	tMatch: "=~", tNoMatch: "!~",
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEnd {
		p.i++
	}
	return t
}

// expr parses comparisons joined by and/or, which share one precedence
// level and associate to the left, as in libsmartcols's grammar.
func (p *parser) expr() (node, error) {
	l, err := p.comparison()
	if err != nil {
		return nil, err
	}
	for k := p.peek().kind; k == tAnd || k == tOr; k = p.peek().kind {
		op := p.next()
		r, err := p.comparison()
		if err != nil {
			return nil, err
		}
		l = &logicNode{at: op.pos, or: k == tOr, l: l, r: r}
	}
	return l, nil
}

// comparison parses unary operands joined by comparison operators, left
// to right.
func (p *parser) comparison() (node, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		op := p.peek()
		if _, ok := opText[op.kind]; !ok {
			return l, nil
		}
		p.next()
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		cmp := &compareNode{at: op.pos, op: op.kind, l: l, r: r}
		if op.kind == tMatch || op.kind == tNoMatch {
			lit, ok := r.(*literalNode)
			if !ok || lit.v.typ != String {
				return nil, errorAt(p.src, r.offset(), "the right side of %s must be a regular expression in quotes", op.text)
			}
			if cmp.re, err = regexp.CompilePOSIX(lit.v.s); err != nil {
				var se *syntax.Error
				if errors.As(err, &se) {
					err = errors.New(se.Code.String())
				}
				return nil, errorAt(p.src, r.offset(), "invalid regular expression %s: %v", short(literalText(lit.v)), err)
			}
		}
		l = cmp
	}
}

// unary parses "!" operand, or an operand.
func (p *parser) unary() (node, error) {
	if p.depth++; p.depth > maxDepth {
		return nil, errorAt(p.src, p.peek().pos, "expression nested deeper than %d levels", maxDepth)
	}
	defer func() { p.depth-- }()
	if t := p.peek(); t.kind == tNot {
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &notNode{at: t.pos, x: x}, nil
	}
	return p.operand()
}

// operand parses a literal, a column name, or a parenthesised expression.
func (p *parser) operand() (node, error) {
	t := p.next()
	switch t.kind {
	case tLParen:
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, errorAt(p.src, c.pos, "unexpected %s: want an operator or the \")\" that closes the \"(\" at position %d",
				describe(c), errorAt(p.src, t.pos, "").Position())
		}
		return x, nil
	case tNumber:
		return &literalNode{at: t.pos, v: value{typ: Number, n: t.num}}, nil
	case tFloat:
		return &literalNode{at: t.pos, v: value{typ: Float, f: t.fnum}}, nil
	case tString:
		return &literalNode{at: t.pos, v: value{typ: String, s: trimBlanks(t.text[1 : len(t.text)-1])}}, nil
	case tTrue, tFalse:
		return &literalNode{at: t.pos, v: value{typ: Boolean, b: t.kind == tTrue}}, nil
	case tName:
		c := p.column(t.text)
		if c == nil {
			if len(p.unknown) == 0 {
				p.unknownAt = t.pos
			}
			if q := fmt.Sprintf("%q", short(t.text)); !slices.Contains(p.unknown, q) {
				p.unknown = append(p.unknown, q)
			}
			return &columnNode{at: t.pos, name: t.text}, nil
		}
		if !slices.Contains(p.used, c.Name) {
			p.used = append(p.used, c.Name)
		}
		return &columnNode{at: t.pos, name: c.Name, typ: c.Type}, nil
	}
	return nil, errorAt(p.src, t.pos, "unexpected %s: want a column, a number, a string in quotes, true, false, \"(\" or \"!\"", describe(t))
}

// column finds the column called name, ignoring case.
func (p *parser) column(name string) *Column {
	for i := range p.cols {
		if strings.EqualFold(p.cols[i].Name, name) {
			return &p.cols[i]
		}
	}
	return nil
}

// describe names a token for a message, cut short when it is long.
func describe(t token) string {
	text := short(t.text)
	switch t.kind {
	case tEnd:
		return "end of expression"
	case tNumber, tFloat:
		return "number " + text
	case tString:
		return "string " + text
	case tName:
		return "name " + text
	}
	return fmt.Sprintf("%q", text)
}

// maxQuoted is how many characters of a token a message repeats.
const maxQuoted = 24

// short cuts s to its first maxQuoted characters.
func short(s string) string {
	if r := []rune(s); len(r) > maxQuoted {
		return string(r[:maxQuoted]) + "…"
	}
	return s
}
