package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"unicode/utf8"
)

// jsonField is one member of a jsonObject.
type jsonField struct {
	Key   string
	Value any
}

// jsonObject is a JSON object that keeps its members in order, as lsns
// prints columns in the order asked for.
type jsonObject []jsonField

// jsonIndent is util-linux's indentation step.
const jsonIndent = "   "

// writeJSON prints v indented as util-linux tools do, in one pass:
// jsonObjects, slices of them and plain values are written directly, and
// anything else through encoding/json. Like lsns, and unlike
// encoding/json's default, it leaves <, > and & as they are.
func writeJSON(w io.Writer, v any) error {
	j := jsonWriter{bufio.NewWriterSize(w, 64<<10)}
	if err := j.value(v, ""); err != nil {
		return err
	}
	j.WriteByte('\n')
	return j.Flush()
}

// jsonWriter writes JSON values; the bufio.Writer keeps the first write
// error for Flush to report.
type jsonWriter struct{ *bufio.Writer }

// value writes v, whose first line is already indented by indent.
func (j jsonWriter) value(v any, indent string) error {
	var scratch [24]byte
	switch v := v.(type) {
	case nil:
		j.WriteString("null")
	case string:
		writeJSONString(j.Writer, v)
	case bool:
		j.Write(strconv.AppendBool(scratch[:0], v))
	case int:
		j.Write(strconv.AppendInt(scratch[:0], int64(v), 10))
	case uint64:
		j.Write(strconv.AppendUint(scratch[:0], v, 10))
	case jsonObject:
		return j.object(v, indent)
	case []jsonObject:
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
		return j.encoded(v, indent)
	}
	return nil
}

func (j jsonWriter) object(o jsonObject, indent string) error {
	if len(o) == 0 {
		j.WriteString("{}")
		return nil
	}
	inner := indent + jsonIndent
	j.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			j.WriteByte(',')
		}
		j.WriteString("\n" + inner)
		writeJSONString(j.Writer, f.Key)
		j.WriteString(": ")
		if err := j.value(f.Value, inner); err != nil {
			return err
		}
	}
	j.WriteString("\n" + indent + "}")
	return nil
}

func (j jsonWriter) array(n int, indent string, item func(i int, indent string) error) error {
	if n == 0 {
		j.WriteString("[]")
		return nil
	}
	inner := indent + jsonIndent
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

// encoded writes a value through encoding/json, indented to fit.
func (j jsonWriter) encoded(v any, indent string) error {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	enc.SetIndent(indent, jsonIndent)
	if err := enc.Encode(v); err != nil {
		return err
	}
	j.Write(bytes.TrimSuffix(raw.Bytes(), []byte{'\n'}))
	return nil
}

// writeJSONString writes s as a JSON string, escaped as encoding/json does
// but for <, > and &: invalid UTF-8 becomes U+FFFD.
func writeJSONString(w *bufio.Writer, s string) {
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
