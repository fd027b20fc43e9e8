package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/nsdive/nsdive/actions"
	"github.com/nsdive/nsdive/inspect"
	flag "github.com/spf13/pflag"
)

// persistFlags are the namespace types persist takes, as flag names
// (util-linux's: --mount for mnt) in the order of nsenter's options.
var persistFlags = []struct {
	name string
	typ  inspect.Type
}{
	{"mount", inspect.Mnt}, {"uts", inspect.UTS}, {"ipc", inspect.IPC}, {"net", inspect.Net},
	{"pid", inspect.PID}, {"user", inspect.User}, {"cgroup", inspect.Cgroup}, {"time", inspect.Time},
}

func runPersist(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("persist")
	target := fs.StringP("target", "t", "", "the process (`PID|CONTAINER`) whose namespaces to persist")
	quiet := fs.BoolP("quiet", "q", false, "do not print the equivalent shell commands")
	files := make(map[string]*string)
	for _, f := range persistFlags {
		usage := "bind-mount the " + f.typ.String() + " namespace at `FILE`"
		if f.typ == inspect.Net {
			usage = "bind-mount the net namespace at /run/netns/`NAME` (or at a FILE given with a '/')"
		}
		files[f.name] = fs.String(f.name, "", usage)
	}
	nsSpecs := fs.StringArray("ns", nil, "`TYPE=FILE`: bind-mount the namespace of TYPE (mnt, uts, ipc, net, ...) at FILE")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: nsdive persist -t PID|CONTAINER [--net NAME] [--TYPE FILE]... [--ns TYPE=FILE]...\n\nKeep a process's namespaces alive after it exits by bind-mounting them at\nfiles, like ip netns attach NAME PID and mount --bind /proc/PID/ns/TYPE FILE.\nEach file is created; one that exists is refused. nsdive release FILE undoes it.\n\nOptions:")
		printDefaults(w, fs)
	}
	if err := parseFlags(fs, args, stdout, usage); err != nil {
		return err
	}
	if *target == "" {
		return usageError{fmt.Errorf("-t: give the pid or container whose namespaces to persist")}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %s", quoteArg(fs.Arg(0)))}
	}
	specs, err := persistSpecs(fs, files, *nsSpecs)
	if err != nil {
		return err
	}
	t, err := actions.ResolveTarget(context.Background(), *target)
	if err != nil {
		return err
	}
	a, err := actions.Persist(t, specs)
	if err != nil {
		return err
	}
	if err := runAction(a, *quiet, stderr); err != nil {
		return err
	}
	for _, s := range specs {
		if _, err := fmt.Fprintf(stdout, "%s namespace of %s persisted at %s\n", s.Type, t, s.Path); err != nil {
			return err
		}
	}
	return nil
}

// persistSpecs collects the files of the --TYPE flags that were given, in
// the order of persistFlags, then those of --ns TYPE=FILE.
func persistSpecs(fs *flag.FlagSet, files map[string]*string, nsSpecs []string) ([]actions.PersistSpec, error) {
	var specs []actions.PersistSpec
	add := func(typ inspect.Type, file string) error {
		if file == "" {
			return usageError{fmt.Errorf("--%s: give a file", typ)}
		}
		path := file
		if typ == inspect.Net && !strings.Contains(file, "/") {
			p, err := actions.NetnsPath(file)
			if err != nil {
				return err
			}
			path = p
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		specs = append(specs, actions.PersistSpec{Type: typ, Path: abs})
		return nil
	}
	for _, f := range persistFlags {
		if fs.Changed(f.name) {
			if err := add(f.typ, *files[f.name]); err != nil {
				return nil, err
			}
		}
	}
	for _, s := range nsSpecs {
		name, file, ok := strings.Cut(s, "=")
		if name == "mount" {
			name = "mnt"
		}
		typ, err := inspect.ParseType(name)
		if !ok || err != nil {
			return nil, usageError{fmt.Errorf("--ns %s: give TYPE=FILE, TYPE one of mnt, uts, ipc, net, pid, user, cgroup, time", quoteArg(s))}
		}
		if err := add(typ, file); err != nil {
			return nil, err
		}
	}
	if len(specs) == 0 {
		return nil, usageError{fmt.Errorf("give --net NAME, --TYPE FILE or --ns TYPE=FILE: what to persist")}
	}
	return specs, nil
}
