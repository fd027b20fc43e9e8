package filter

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Type is the data type of a column or a literal, as libsmartcols has them.
type Type uint8

const (
	// String is text; a column's default.
	String Type = iota
	// Number is an unsigned 64-bit integer (lsns's <integer> columns).
	Number
	// Float is a floating-point number.
	Float
	// Boolean is true or false.
	Boolean
)

// String returns the type's name as libsmartcols's debug output names it.
func (t Type) String() string {
	switch t {
	case Number:
		return "number"
	case Float:
		return "float"
	case Boolean:
		return "boolean"
	}
	return "string"
}

// value is a literal or a cell in one of the four types. A null value is
// a missing cell.
type value struct {
	typ  Type
	null bool
	s    string
	n    uint64
	f    float64
	b    bool
}

// trimBlanks removes what C's isspace calls blank from both ends, as
// libsmartcols does to every text it stores.
func trimBlanks(s string) string { return strings.Trim(s, " \t\n\v\f\r") }

// cellValue converts a cell, as a row function returns it, into a value of
// the column's type.
func cellValue(cell any, typ Type) (value, error) {
	var v value
	switch c := cell.(type) {
	case nil:
		return value{typ: typ, null: true}, nil
	case string:
		v = value{typ: String, s: trimBlanks(c)}
	case bool:
		v = value{typ: Boolean, b: c}
	case float64:
		v = value{typ: Float, f: c}
	case float32:
		v = value{typ: Float, f: float64(c)}
	case uint64:
		v = value{typ: Number, n: c}
	case uint:
		v = value{typ: Number, n: uint64(c)}
	case uint32:
		v = value{typ: Number, n: uint64(c)}
	case int, int64, int32:
		i := toInt64(c)
		if i < 0 {
			v = value{typ: String, s: strconv.FormatInt(i, 10)}
		} else {
			v = value{typ: Number, n: uint64(i)}
		}
	default:
		v = value{typ: String, s: trimBlanks(fmt.Sprint(c))}
	}
	return convert(v, typ)
}

func toInt64(c any) int64 {
	switch i := c.(type) {
	case int:
		return int64(i)
	case int32:
		return int64(i)
	}
	return c.(int64)
}

// convert returns v in type typ, as libsmartcols casts a parameter. A null
// text stays null; a null of another type is first its type's zero value,
// because libsmartcols copies the value (and loses its emptiness) before
// the cast.
func convert(v value, typ Type) (value, error) {
	if v.typ == typ {
		return v, nil
	}
	if v.null {
		if v.typ == String {
			return value{typ: typ, null: true}, nil
		}
		v = value{typ: v.typ}
	}
	out := value{typ: typ}
	switch v.typ {
	case String:
		switch typ {
		case Number:
			n, err := textToNumber(v.s)
			if err != nil {
				return value{}, err
			}
			out.n = n
		case Float:
			f, err := strconv.ParseFloat(v.s, 64)
			if err != nil {
				return value{}, fmt.Errorf("%q is not a number", short(v.s))
			}
			out.f = f
		case Boolean:
			out.b = v.s == "1" || strings.EqualFold(v.s, "true") || v.s != "" && (v.s[0] == 'y' || v.s[0] == 'Y')
		}
	case Number:
		switch typ {
		case String:
			out.s = strconv.FormatUint(v.n, 10)
		case Float:
			out.f = float64(v.n)
		case Boolean:
			out.b = v.n > 0
		}
	case Float:
		switch typ {
		case String:
			out.s = strconv.FormatFloat(v.f, 'g', 6, 64) // C's %Lg
		case Number:
			out.n = floatToNumber(v.f)
		case Boolean:
			out.b = v.f > 0
		}
	case Boolean:
		switch typ {
		case String:
			out.s = strconv.FormatBool(v.b)
		case Number:
			if v.b {
				out.n = 1
			}
		case Float:
			if v.b {
				out.f = 1
			}
		}
	}
	return out, nil
}

// textToNumber reads a decimal unsigned integer as util-linux's
// ul_strtou64 does: an optional sign, digits only, nothing negative.
func textToNumber(s string) (uint64, error) {
	digits := strings.TrimPrefix(s, "+")
	negative := false
	if d, ok := strings.CutPrefix(s, "-"); ok {
		digits, negative = d, true
	}
	if digits == "" || strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, fmt.Errorf("%q is not a number", short(s))
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || negative && n != 0 {
		return 0, fmt.Errorf("%q is out of range for a number", short(s))
	}
	return n, nil
}

// floatToNumber truncates f, keeping it within the range of a uint64.
func floatToNumber(f float64) uint64 {
	switch {
	case math.IsNaN(f) || f <= 0:
		return 0
	case f >= math.MaxUint64:
		return math.MaxUint64
	}
	return uint64(f)
}

// literalText writes v back as the lexer reads it.
func literalText(v value) string {
	switch v.typ {
	case Number:
		return strconv.FormatUint(v.n, 10)
	case Float:
		if math.IsInf(v.f, 1) {
			return "1" + strings.Repeat("0", 309) + ".0" // what overflowed to +Inf
		}
		s := strconv.FormatFloat(v.f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	case Boolean:
		return strconv.FormatBool(v.b)
	}
	if strings.Contains(v.s, `"`) {
		return "'" + v.s + "'"
	}
	return `"` + v.s + `"`
}
