package sandbox

import (
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Stack holds undo steps: a builder pushes one as each of its steps
// succeeds, so that Run undoes exactly what was done, last first.
type Stack struct {
	mu    sync.Mutex
	steps []undoStep
}

type undoStep struct {
	what string
	undo func() error
}

// Push adds an undo step; what says what it undoes, for its error.
func (s *Stack) Push(what string, undo func() error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.steps = append(s.steps, undoStep{what, undo})
}

// Run runs the steps, the last pushed first, every one even when one
// fails, and empties the stack. It returns the failures joined, each
// wrapped with what its step undoes.
func (s *Stack) Run() error {
	s.mu.Lock()
	steps := s.steps
	s.steps = nil
	s.mu.Unlock()
	var errs []error
	for _, st := range slices.Backward(steps) {
		if err := st.undo(); err != nil {
			errs = append(errs, fmt.Errorf("undo %s: %w", st.what, err))
		}
	}
	return errors.Join(errs...)
}
