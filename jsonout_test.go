package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestWriteJSONMatchesEncodingJSON checks the one-pass writer against
// encoding/json's indented output for the same data, HTML escaping off.
func TestWriteJSONMatchesEncodingJSON(t *testing.T) {
	type detail struct {
		Name string `json:"name"`
		Sub  []int  `json:"sub"`
	}
	tricky := "tab\there \"q\" back\\slash nl\n cr\r bell\a \b\f <a&b> \u2028\u2029 é \xff end"
	v := jsonObject{
		{"str", tricky},
		{"num", 42},
		{"neg", -7},
		{"big", uint64(18446744073709551615)},
		{"yes", true},
		{"none", nil},
		{"ints", []int{1, 2}},
		{"noints", []int(nil)},
		{"emptyints", []int{}},
		{"strs", []string{"a", tricky}},
		{"objs", []jsonObject{{{"a", 1}}, {}}},
		{"noobjs", []jsonObject(nil)},
		{"empty", jsonObject{}},
		{"nested", jsonObject{{"deeper", jsonObject{{"detail", detail{"x", []int{3}}}}}}},
	}
	var got bytes.Buffer
	if err := writeJSON(&got, v); err != nil {
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

// asMap turns a jsonObject tree into maps and slices encoding/json takes.
func asMap(v any) any {
	switch v := v.(type) {
	case jsonObject:
		m := make(map[string]any, len(v))
		for _, f := range v {
			m[f.Key] = asMap(f.Value)
		}
		return m
	case []jsonObject:
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
