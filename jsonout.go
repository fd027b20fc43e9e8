package main

import (
	"bytes"
	"encoding/json"
	"io"
)

// jsonField is one member of a jsonObject.
type jsonField struct {
	Key   string
	Value any
}

// jsonObject is a JSON object that keeps its members in order, as lsns
// prints columns in the order asked for.
type jsonObject []jsonField

// MarshalJSON writes the members in order.
func (o jsonObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		key, err := json.Marshal(f.Key)
		if err != nil {
			return nil, err
		}
		value, err := json.Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		b.Write(key)
		b.WriteByte(':')
		b.Write(value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeJSON prints v indented, as util-linux tools do.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "   ")
	return enc.Encode(v)
}
