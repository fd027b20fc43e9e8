// Package filter parses and evaluates the filter expressions of
// util-linux's libsmartcols (scols-filter(5)), as `lsns -Q` accepts them in
// util-linux 2.42.2, so that `nsdive list -Q EXPR` selects the same rows.
//
// The language:
//
//	expr:  param | ( expr ) | ! expr | expr OP expr
//	OP:    && || == != < <= > >= =~ !~  and their words
//	       and or eq ne lt le gt ge (AND OR EQ ... too), and not/NOT for !
//	param: 123 | 1K (1024) ... 1EiB | 1.5 | "text" | 'text' | true | false | COLUMN
//
// Its rules follow libsmartcols's grammar and evaluation, read from
// filter-scanner.l, filter-parser.y, filter-expr.c and filter-param.c:
//
//   - Precedence has two levels: `and` and `or` share the lower one (so
//     `a || b && c` is `(a || b) && c`), comparisons, regular expressions and
//     `!` the higher one; both associate to the left, so `!A == "x"` is
//     `(!A) == "x"`. Parentheses group.
//   - Column names are case-insensitive (as lsns resolves them) and may
//     contain `_ . % : / -` and digits after a first letter, so `a-b` is one
//     name; keywords are recognised only in all lower or all upper case.
//   - A comparison works in one type: the two sides' type when they agree;
//     otherwise a literal's type wins over a column's, the left side's wins
//     between two literals or two columns, and a float wins over a number.
//     The other side is converted: text to a number must be all digits
//     (else the row fails with an error, as lsns stops with "failed to
//     apply filter"), text is true when it is "1", "true" or starts with
//     y; a number is true when not zero; an expression is a boolean.
//     So `NPROCS > "10"` compares text, and `TYPE == 5` is an error.
//   - A missing cell (a namespace without a process has no PID) is false
//     alone and in every comparison of numbers; among texts it sorts first
//     and `=~` sees it as "". A missing number compared as another type
//     becomes 0, as libsmartcols's copy of the value loses its emptiness.
//   - Texts, from a literal or a cell, are compared with leading and
//     trailing blanks removed, byte by byte. `=~` and `!~` take a POSIX
//     extended regular expression in a string literal on the right and
//     search the left side's text (unanchored).
//   - Numbers are unsigned 64-bit integers (a too long literal is the
//     maximum, as strtoumax saturates); there are no negative literals.
//     Floats are float64 where libsmartcols has long double, so
//     `1 == 1.0000000000000001` is true here and false in lsns.
//   - An empty expression matches every row.
//
// Where lsns misbehaves, this package reports an error instead: lsns
// echoes an unknown character such as `@` or `-` to stdout and ignores it,
// and crashes on `=~` with a number on the right. libsmartcols also strips
// one leading quote from a cell's text; this package does not.
//
// A hand-written recursive-descent parser is used, not an expression
// library such as expr-lang/expr: that language has other operators
// (`matches` for `=~`, no `!~`, no `eq`/`lt` words, no size suffixes),
// another precedence (`and` above `or`), escape sequences in strings, and
// its own typing, where lsns's filters need libsmartcols's type guessing
// and conversions; bending it to this grammar would take more code than
// the ~400 lines of a parser that follows the grammar itself.
//
// The package does no I/O: a Filter is built from an expression and the
// columns it may name, and Match asks the caller for the cells of a row.
package filter
