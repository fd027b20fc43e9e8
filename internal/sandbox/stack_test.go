package sandbox_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/sandbox"
)

// TestStackRunsInReverse pushes three steps, the middle one failing, and
// checks that Run runs all three, last first, and reports the failure.
func TestStackRunsInReverse(t *testing.T) {
	var s sandbox.Stack
	var ran []string
	failed := errors.New("busy")
	for _, name := range []string{"a", "b", "c"} {
		s.Push("step "+name, func() error {
			ran = append(ran, name)
			if name == "b" {
				return failed
			}
			return nil
		})
	}
	err := s.Run()
	if !slices.Equal(ran, []string{"c", "b", "a"}) {
		t.Errorf("ran %v, want c b a", ran)
	}
	if !errors.Is(err, failed) || !strings.Contains(err.Error(), "undo step b") {
		t.Errorf("Run = %v, want the failure of step b", err)
	}
	ran = nil
	if err := s.Run(); err != nil || len(ran) != 0 {
		t.Errorf("a second Run ran %v and returned %v, want an empty stack", ran, err)
	}
}
