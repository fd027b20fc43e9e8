package filter

import (
	"errors"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// kind is the kind of a token.
type kind uint8

const (
	tEnd kind = iota
	tLParen
	tRParen
	tAnd
	tOr
	tNot
	tEQ
	tNE
	tLT
	tLE
	tGT
	tGE
	tMatch
	tNoMatch
	tTrue
	tFalse
	tNumber
	tFloat
	tString
	tName
)

// token is one lexeme of an expression; pos is its byte offset.
type token struct {
	kind kind
	pos  int
	text string // as written, quotes included
	num  uint64
	fnum float64
}

// keywords are libsmartcols's word operators, in lower and upper case only.
var keywords = map[string]kind{
	"and": tAnd, "or": tOr, "not": tNot,
	"eq": tEQ, "ne": tNE, "lt": tLT, "le": tLE, "gt": tGT, "ge": tGE,
	"true": tTrue, "false": tFalse,
}

// symbols are the operators written with punctuation, longest first.
var symbols = []struct {
	text string
	kind kind
}{
	{"&&", tAnd}, {"||", tOr}, {"==", tEQ}, {"!=", tNE}, {"<=", tLE},
	{">=", tGE}, {"=~", tMatch}, {"!~", tNoMatch}, {"<", tLT}, {">", tGT},
	{"!", tNot}, {"(", tLParen}, {")", tRParen},
}

// sizeSuffixes are the multiplicative suffixes of integers: K is 2^10.
const sizeSuffixes = "KMGTPEZY"

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// isNameByte reports whether c may follow the first letter of a name.
func isNameByte(c byte) bool {
	return isLetter(c) || isDigit(c) || strings.IndexByte("_.%:/-", c) >= 0
}

// lex splits src into tokens, ending with a tEnd token.
func lex(src string) ([]token, error) {
	var toks []token
	i := 0
next:
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
			continue
		case c == '"' || c == '\'':
			end := strings.IndexAny(src[i+1:], string(c)+"\n")
			if end < 0 || src[i+1+end] == '\n' {
				return nil, errorAt(src, i, "unterminated string: add the closing %c", c)
			}
			toks = append(toks, token{kind: tString, pos: i, text: src[i : i+end+2]})
			i += end + 2
			continue
		case isDigit(c):
			t, err := lexNumber(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i += len(t.text)
			continue
		case isLetter(c):
			j := i + 1
			for j < len(src) && isNameByte(src[j]) {
				j++
			}
			word := src[i:j]
			k, ok := keywords[strings.ToLower(word)]
			if !ok || (word != strings.ToLower(word) && word != strings.ToUpper(word)) {
				k = tName
			}
			toks = append(toks, token{kind: k, pos: i, text: word})
			i = j
			continue
		}
		for _, s := range symbols {
			if strings.HasPrefix(src[i:], s.text) {
				toks = append(toks, token{kind: s.kind, pos: i, text: s.text})
				i += len(s.text)
				continue next
			}
		}
		return nil, errorAt(src, i, "unexpected %s%s", quoteChar(src[i:]), hintFor(c))
	}
	return append(toks, token{kind: tEnd, pos: len(src)}), nil
}

// lexNumber reads an integer, an integer with a size suffix (1K, 1KiB),
// or a float (1.5) at src[i:].
func lexNumber(src string, i int) (token, error) {
	j := i
	for j < len(src) && isDigit(src[j]) {
		j++
	}
	digits := src[i:j]
	if j+1 < len(src) && src[j] == '.' && isDigit(src[j+1]) {
		j++
		for j < len(src) && isDigit(src[j]) {
			j++
		}
		f, _ := strconv.ParseFloat(src[i:j], 64) // only digits: an overflow is +Inf, as strtold's
		return token{kind: tFloat, pos: i, text: src[i:j], fnum: f}, nil
	}
	if j < len(src) && strings.IndexByte(sizeSuffixes, src[j]) >= 0 {
		power := strings.IndexByte(sizeSuffixes, src[j]) + 1
		j++
		if strings.HasPrefix(src[j:], "iB") {
			j += 2
		}
		n, err := scaleSize(digits, power)
		if err != nil {
			return token{}, errorAt(src, i, "%s: %v", src[i:j], err)
		}
		return token{kind: tNumber, pos: i, text: src[i:j], num: n}, nil
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		n = math.MaxUint64 // strtoumax saturates, and lsns takes the result
	}
	return token{kind: tNumber, pos: i, text: digits, num: n}, nil
}

// scaleSize multiplies digits by 1024^power as util-linux's strtosize does,
// which reads the digits with base 0: a leading 0 means octal.
func scaleSize(digits string, power int) (uint64, error) {
	base := 10
	if len(digits) > 1 && digits[0] == '0' {
		base = 8
	}
	n, err := strconv.ParseUint(digits, base, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, errTooLarge
	case err != nil:
		return 0, errors.New("a number with a leading 0 and a size suffix is octal")
	}
	for range power {
		hi, lo := bits.Mul64(n, 1024)
		if hi != 0 {
			return 0, errTooLarge
		}
		n = lo
	}
	return n, nil
}

// errTooLarge is a size that does not fit in 64 bits.
var errTooLarge = errors.New("number too large")

// quoteChar quotes the character at the start of s for a message.
func quoteChar(s string) string {
	for _, r := range s {
		return strconv.QuoteRune(r)
	}
	return "end"
}

// hintFor suggests the operator a stray character may have been meant as.
func hintFor(c byte) string {
	switch c {
	case '=':
		return ` (did you mean "=="?)`
	case '&':
		return ` (did you mean "&&"?)`
	case '|':
		return ` (did you mean "||"?)`
	case '-':
		return " (numbers cannot be negative)"
	}
	return ""
}
