package inspect

import (
	"errors"
	"io/fs"
	"testing"
)

func TestReadKey(t *testing.T) {
	key, state, err := ReadKey("testdata/proctree", 1)
	if err != nil {
		t.Fatal(err)
	}
	if key != (ProcessKey{PID: 1, StartTime: 5}) || state != 'S' {
		t.Errorf("ReadKey(1) = %+v, %c; want pid 1 started at tick 5, S", key, state)
	}
	if _, _, err := ReadKey("testdata/proctree", 99999); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadKey of a missing pid: %v, want fs.ErrNotExist", err)
	}
	if _, _, err := ReadKey("testdata/proctree", 10); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadKey of a garbled stat: %v, want a parse error", err)
	}
}
