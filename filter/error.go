package filter

import (
	"fmt"
	"unicode/utf8"
)

// Error is a mistake in a filter expression, or a row that the expression
// cannot be evaluated on; Offset says where.
type Error struct {
	// Expr is the whole expression.
	Expr string
	// Offset is the byte offset in Expr where the mistake is.
	Offset int
	// Msg says what is wrong.
	Msg string
}

// Position is the 1-based character position of the mistake in Expr.
func (e *Error) Position() int {
	if e.Offset > len(e.Expr) {
		return utf8.RuneCountInString(e.Expr) + 1
	}
	return utf8.RuneCountInString(e.Expr[:e.Offset]) + 1
}

// Error says where and what, as "position N: what".
func (e *Error) Error() string {
	return fmt.Sprintf("position %d: %s", e.Position(), e.Msg)
}

// errorAt builds an Error at byte offset pos of src.
func errorAt(src string, pos int, format string, args ...any) *Error {
	return &Error{Expr: src, Offset: pos, Msg: fmt.Sprintf(format, args...)}
}
