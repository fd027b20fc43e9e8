package jsonw

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Field is one member of an Object.
type Field struct {
	Key   string
	Value any
}

// Object is a JSON object that keeps its members in order, as lsns prints
// columns in the order asked for.
type Object []Field

// indentStep is util-linux's indentation step.
const indentStep = "   "

// Write prints v indented as util-linux tools do, followed by a newline.
// v and everything in it is nil, a string, bool, int, int64, uint32,
// uint64, an Object, or a slice of Objects, ints or strings; a nil slice
// is null. Any other type is an error.
func Write(w io.Writer, v any) error {
	j := writer{bufio.NewWriterSize(w, 64<<10)}
	if err := j.value(v, ""); err != nil {
		return err
	}
	j.WriteByte('\n')
	return j.Flush()
}

// writer writes JSON values; the bufio.Writer keeps the first write error
// for Flush to report.
type writer struct{ *bufio.Writer }

// value writes v, whose first line is already indented by indent.
func (j writer) value(v any, indent string) error {
	var scratch [24]byte
	switch v := v.(type) {
	case nil:
		j.WriteString("null")
	case string:
		writeString(j.Writer, v)
	case bool:
		j.Write(strconv.AppendBool(scratch[:0], v))
	case int:
		j.Write(strconv.AppendInt(scratch[:0], int64(v), 10))
	case int64:
		j.Write(strconv.AppendInt(scratch[:0], v, 10))
	case uint32:
		j.Write(strconv.AppendUint(scratch[:0], uint64(v), 10))
	case uint64:
		j.Write(strconv.AppendUint(scratch[:0], v, 10))
	case Object:
		return j.object(v, indent)
	case []Object:
		if v == nil {
			j.WriteString("null")
			return nil
		}
		return j.array(len(v), indent, func(i int, inner string) error { return j.object(v[i], inner) })
	case []int:
		if v == nil {
			j.WriteString("null")
			return nil
		}
		return j.array(len(v), indent, func(i int, _ string) error { return j.value(v[i], "") })
	case []string:
		if v == nil {
			j.WriteString("null")
			return nil
		}
		return j.array(len(v), indent, func(i int, _ string) error { return j.value(v[i], "") })
	default:
		return fmt.Errorf("jsonw: cannot write a %T", v)
	}
	return nil
}

func (j writer) object(o Object, indent string) error {
	if len(o) == 0 {
		j.WriteString("{}")
		return nil
	}
	inner := indent + indentStep
	j.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			j.WriteByte(',')
		}
		j.WriteString("\n" + inner)
		writeString(j.Writer, f.Key)
		j.WriteString(": ")
		if err := j.value(f.Value, inner); err != nil {
			return fmt.Errorf("%s: %w", f.Key, err)
		}
	}
	j.WriteString("\n" + indent + "}")
	return nil
}

func (j writer) array(n int, indent string, item func(i int, indent string) error) error {
	if n == 0 {
		j.WriteString("[]")
		return nil
	}
	inner := indent + indentStep
	j.WriteByte('[')
	for i := range n {
		if i > 0 {
			j.WriteByte(',')
		}
		j.WriteString("\n" + inner)
		if err := item(i, inner); err != nil {
			return err
		}
	}
	j.WriteString("\n" + indent + "]")
	return nil
}

// writeString writes s as a JSON string, escaped as encoding/json does but
// for <, > and &: invalid UTF-8 becomes U+FFFD.
func writeString(w *bufio.Writer, s string) {
	const hex = "0123456789abcdef"
	w.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			w.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				w.WriteByte('\\')
				w.WriteByte(c)
			case '\b':
				w.WriteString(`\b`)
			case '\f':
				w.WriteString(`\f`)
			case '\n':
				w.WriteString(`\n`)
			case '\r':
				w.WriteString(`\r`)
			case '\t':
				w.WriteString(`\t`)
			default:
				w.WriteString(`\u00`)
				w.WriteByte(hex[c>>4])
				w.WriteByte(hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			w.WriteString(s[start:i])
			w.WriteString(`\ufffd`)
		case r == '\u2028' || r == '\u2029':
			w.WriteString(s[start:i])
			w.WriteString(`\u202`)
			w.WriteByte(hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	w.WriteString(s[start:])
	w.WriteByte('"')
}
