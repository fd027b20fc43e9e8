package inspect

import (
	"strings"
	"testing"
)

// parseErrorCase is malformed input and a piece of the error it must give.
type parseErrorCase struct {
	name, in, wantErr string
}

// checkParseErrors runs parse, named fn in messages, on each case and
// fails unless it errs with the expected words.
func checkParseErrors[T any](t *testing.T, fn string, parse func([]byte) (T, error), tests []parseErrorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("%s error %v, want one containing %q", fn, err, tt.wantErr)
			}
		})
	}
}
