package actions

import (
	"errors"
	"slices"
	"testing"
)

func TestRunUndoesDoneStepsInReverseOnFailure(t *testing.T) {
	var log []string
	step := func(name string, fail bool) Step {
		return Step{
			Command: "make " + name,
			Do: func() error {
				if fail {
					return errors.New(name + " refused")
				}
				log = append(log, "do "+name)
				return nil
			},
			Undo: func() error { log = append(log, "undo "+name); return nil },
		}
	}
	a := &Action{Description: "build", Steps: []Step{step("a", false), step("b", false), step("c", true)}}
	err := a.Run()
	if err == nil || err.Error() != "build: c refused" {
		t.Fatalf("Run() = %v, want the failing step's error", err)
	}
	want := []string{"do a", "do b", "undo b", "undo a"}
	if !slices.Equal(log, want) {
		t.Errorf("steps ran as %q, want %q", log, want)
	}
	if got := a.Commands(); !slices.Equal(got, []string{"make a", "make b", "make c"}) {
		t.Errorf("Commands() = %q", got)
	}
}

func TestUndoReportsWhatStays(t *testing.T) {
	a := &Action{Description: "build", Steps: []Step{
		{Command: "make a", Do: func() error { return nil }, Undo: func() error { return errors.New("busy") }},
		{Command: "make b", Do: func() error { return nil }},
	}}
	if err := a.Run(); err != nil {
		t.Fatal(err)
	}
	err := a.Undo()
	if err == nil || err.Error() != `undo "make a": busy` {
		t.Fatalf("Undo() = %v", err)
	}
	if err := a.Undo(); err != nil {
		t.Errorf("a second Undo() = %v, want nothing left to undo", err)
	}
}
