package ui

import (
	"github.com/nsdive/nsdive/actions"
	"github.com/nsdive/nsdive/inspect"
)

// unshareTypes are the types the unshare form offers, with unshare(1)'s
// flag for each, in its order.
var unshareTypes = []struct {
	typ  inspect.Type
	flag string
}{
	{inspect.Mnt, "--mount"}, {inspect.UTS, "--uts"}, {inspect.IPC, "--ipc"}, {inspect.Net, "--net"},
	{inspect.PID, "--pid"}, {inspect.User, "--user"}, {inspect.Cgroup, "--cgroup"}, {inspect.Time, "--time"},
}

// unshareFlow runs a shell, or a command asked for, in new namespaces
// chosen in a form of unshare(1)'s flags, with the explorer suspended.
func unshareFlow() *actionFlow {
	title := "unshare: a shell in new namespaces"
	var fields []*field
	for _, u := range unshareTypes {
		fields = append(fields, toggle(u.flag, false, "a new "+u.typ.String()+" namespace"))
	}
	n := len(fields)
	fields = append(fields,
		toggle("--fork", true, "run the command as a child (pid 1 of a new pid namespace)"),
		toggle("--mount-proc", false, "a proc of its own at /proc (implies --mount)"),
		toggle("--map-root-user", false, "be root in a new user namespace (implies --user)"),
		textIn("Hostname", "", "set in the new uts namespace"),
		textIn("Command", "", "run by /bin/sh -c; empty: $SHELL"))
	f := &actionFlow{title: title, form: newForm(title, fields...)}
	f.build = func(fm *form) func() (*prepared, error) {
		opts := actions.UnshareOptions{Fork: fm.on(n), MapRootUser: fm.on(n + 2), Hostname: fm.text(n + 3)}
		for i, u := range unshareTypes {
			if fm.on(i) {
				opts.Types |= inspect.TypesOf(u.typ)
			}
		}
		if fm.on(n + 1) {
			opts.MountProc = "/proc"
		}
		if c := fm.text(n + 4); c != "" {
			opts.Args = []string{"/bin/sh", "-c", c}
		}
		return func() (*prepared, error) {
			u, err := actions.Unshare(opts)
			if err != nil {
				return nil, err
			}
			return &prepared{desc: u.Description, commands: u.Commands(), exec: execCmd{u.Cmd}, finish: u.Finish}, nil
		}
	}
	return f
}
