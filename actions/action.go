package actions

import (
	"errors"
	"fmt"
)

// Step is one change an Action makes, with the shell command that would
// make it and how to take it back.
type Step struct {
	// Command is the equivalent shell command, e.g.
	// "ip link add veth-a type veth peer name veth-b".
	Command string
	// Do makes the change.
	Do func() error
	// Undo takes the change back; nil when there is nothing to undo.
	Undo func() error
}

// Action is a change to the system as a value: the CLI prints its
// Commands and runs it; the explorer shows them in a confirmation first.
type Action struct {
	// Description says in a few words what the action does.
	Description string
	// Steps run in order.
	Steps []Step

	done int // how many steps ran successfully
}

// Commands returns the equivalent shell commands, one per step.
func (a *Action) Commands() []string {
	out := make([]string, 0, len(a.Steps))
	for _, s := range a.Steps {
		if s.Command != "" {
			out = append(out, s.Command)
		}
	}
	return out
}

// Run runs the steps in order. When one fails, the steps already done are
// undone in reverse and the error says which step failed, with any error
// of the undo joined to it.
func (a *Action) Run() error {
	for a.done < len(a.Steps) {
		s := a.Steps[a.done]
		if err := s.Do(); err != nil {
			err = fmt.Errorf("%s: %w", a.Description, err)
			return errors.Join(err, a.Undo())
		}
		a.done++
	}
	return nil
}

// Undo takes back the steps that ran, last first, and returns what could
// not be undone.
func (a *Action) Undo() error {
	var errs []error
	for ; a.done > 0; a.done-- {
		s := a.Steps[a.done-1]
		if s.Undo == nil {
			continue
		}
		if err := s.Undo(); err != nil {
			errs = append(errs, fmt.Errorf("undo %q: %w", s.Command, err))
		}
	}
	return errors.Join(errs...)
}
