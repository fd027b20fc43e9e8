package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	flag "github.com/spf13/pflag"
)

// newFlagSet returns a flag set that reports errors to its caller only:
// run prints them once, and help goes to stdout (see parseFlags).
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args; on -h or --help it prints usage to stdout and
// returns flag.ErrHelp, and a mistake comes back as a usageError.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer, usage func(w io.Writer)) error {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		usage(stdout)
		return err
	}
	return usageError{err}
}

// printDefaults writes the options of fs, one a line: "-J, --json" and
// its usage, a value's name after an option that takes one ("--task PID",
// "--tree[=string]" when it is optional). pflag's own layout writes
// "[=true|false]" after every switch.
func printDefaults(w io.Writer, fs *flag.FlagSet) {
	var names, usages []string
	width := 0
	fs.VisitAll(func(f *flag.Flag) {
		if f.Hidden {
			return
		}
		name := "    --" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", --" + f.Name
		}
		varname, usage := flag.UnquoteUsage(f)
		switch {
		case f.Value.Type() == "bool":
		case f.NoOptDefVal != "":
			name += "[=" + varname + "]"
		case varname != "":
			name += " " + varname
		}
		names, usages = append(names, name), append(usages, usage)
		width = max(width, len(name))
	})
	for i, name := range names {
		fmt.Fprintf(w, "  %-*s  %s\n", width, name, usages[i])
	}
}

// pidValue is a process id flag: decimal only, as lsns reads -p, where
// pflag's IntVar would take 0x7ea4 as hex and 032420 as octal.
type pidValue struct{ pid *int }

func (v pidValue) String() string {
	if *v.pid == 0 {
		return ""
	}
	return strconv.Itoa(*v.pid)
}

// Set parses a positive decimal pid; leading zeros are decimal too.
func (v pidValue) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n <= 0 {
		return fmt.Errorf("invalid PID %s: want a positive decimal number", quoteArg(s))
	}
	*v.pid = int(n)
	return nil
}

func (v pidValue) Type() string { return "PID" }

// maxQuoted is how much of an argument a message quotes.
const maxQuoted = 40

// quoteArg quotes an argument for a message, cut to its first few
// characters when it is long.
func quoteArg(s string) string {
	if r := []rune(s); len(r) > maxQuoted {
		return strconv.Quote(string(r[:maxQuoted])) + "…"
	}
	return strconv.Quote(s)
}

// shortenMessage cuts every word of msg longer than a quoted argument may
// be, and msg itself when it stays long: messages of the flag parser
// repeat whole arguments, which can be huge.
func shortenMessage(msg string) string {
	words := strings.Split(msg, " ")
	for i, w := range words {
		if r := []rune(w); len(r) > maxQuoted+8 {
			words[i] = string(r[:maxQuoted]) + "…"
		}
	}
	msg = strings.Join(words, " ")
	if r := []rune(msg); len(r) > 8*maxQuoted {
		msg = string(r[:8*maxQuoted]) + "…"
	}
	return msg
}
