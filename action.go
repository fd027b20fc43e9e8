package main

import (
	"fmt"
	"io"

	"github.com/nsdive/nsdive/actions"
)

// runAction prints a's equivalent shell commands on stderr, each after
// "# ", unless quiet, and runs it. Run has undone what it did when it
// fails.
func runAction(a *actions.Action, quiet bool, stderr io.Writer) error {
	if !quiet {
		for _, c := range a.Commands() {
			fmt.Fprintf(stderr, "# %s\n", c)
		}
	}
	return a.Run()
}
