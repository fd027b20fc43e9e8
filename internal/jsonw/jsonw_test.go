package jsonw

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestWriteMatchesEncodingJSON checks the one-pass writer against
// encoding/json's indented output for the same data, HTML escaping off.
func TestWriteMatchesEncodingJSON(t *testing.T) {
	tricky := "tab\there \"q\" back\\slash nl\n cr\r bell\a \b\f <a&b> \u2028\u2029 é \xff end"
	v := Object{
		{"str", tricky},
		{"num", 42},
		{"neg", -7},
		{"neg64", int64(-9223372036854775808)},
		{"u32", uint32(4294967295)},
		{"big", uint64(18446744073709551615)},
		{"yes", true},
		{"none", nil},
		{"ints", []int{1, 2}},
		{"noints", []int(nil)},
		{"emptyints", []int{}},
		{"strs", []string{"a", tricky}},
		{"nostrs", []string(nil)},
		{"objs", []Object{{{"a", 1}}, {}}},
		{"noobjs", []Object(nil)},
		{"empty", Object{}},
		{"nested", Object{{"deeper", Object{{"detail", Object{{"name", "x"}, {"sub", []int{3}}}}}}}},
	}
	var got bytes.Buffer
	if err := Write(&got, v); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "   ")
	if err := enc.Encode(asMap(v)); err != nil {
		t.Fatal(err)
	}
	// encoding/json sorts map keys; compare member by member instead.
	var g, w map[string]any
	if err := json.Unmarshal(got.Bytes(), &g); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, got.String())
	}
	if err := json.Unmarshal(want.Bytes(), &w); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Errorf("values differ:\n got %s\nwant %s", gb, wb)
	}
	// Each line, escapes and indentation included, but for the comma
	// that depends on member order.
	for _, line := range strings.Split(want.String(), "\n") {
		if line = strings.TrimSuffix(line, ","); !strings.Contains(got.String(), line) {
			t.Errorf("line %q of encoding/json's output is not in ours:\n%s", line, got.String())
		}
	}
	if !strings.HasPrefix(got.String(), "{\n   \"str\": ") || !strings.HasSuffix(got.String(), "\n}\n") {
		t.Errorf("not laid out as util-linux does:\n%s", got.String())
	}
}

// asMap turns an Object tree into maps and slices encoding/json takes.
func asMap(v any) any {
	switch v := v.(type) {
	case Object:
		m := make(map[string]any, len(v))
		for _, f := range v {
			m[f.Key] = asMap(f.Value)
		}
		return m
	case []Object:
		if v == nil {
			return nil
		}
		out := make([]any, len(v))
		for i, o := range v {
			out[i] = asMap(o)
		}
		return out
	}
	return v
}

func TestObjectKeepsOrder(t *testing.T) {
	var b strings.Builder
	if err := Write(&b, Object{{"ns", 1}, {"type", "net"}, {"command", nil}}); err != nil {
		t.Fatal(err)
	}
	if want := "{\n   \"ns\": 1,\n   \"type\": \"net\",\n   \"command\": null\n}\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestWriteRejectsOtherTypes(t *testing.T) {
	var b strings.Builder
	err := Write(&b, Object{{"outer", Object{{"f", 1.5}}}})
	if err == nil || !strings.Contains(err.Error(), "outer: f: jsonw: cannot write a float64") {
		t.Errorf("Write of a float64 = %v, want an error naming the member and the type", err)
	}
}
