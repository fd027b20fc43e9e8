package ui

import (
	"fmt"
	"io"
	"os/exec"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/nsdive/nsdive/actions"
	"github.com/nsdive/nsdive/inspect"
)

// selection is what the action keys act on: what is under the cursor of
// the page on top.
type selection struct {
	ns    *inspect.Namespace // the namespace chosen, nil for none
	proc  *inspect.Process   // the process chosen, nil for none
	mount *inspect.Mount     // the mount chosen, on the mount page
	mntns *inspect.Namespace // the mount page's namespace
	iface *inspect.Interface // the interface chosen, on the network page
}

// selector is a page with a selection the action keys act on.
type selector interface {
	selection() selection
}

// actionKey starts the action of an action key on the selection; ok
// says msg was one.
func (m *Model) actionKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := m.c.keys
	if key.Matches(msg, k.Log) {
		if _, on := m.top().(*logPage); on {
			return nil, true
		}
		return openCmd(newLogPage(m.c, &m.log)), true
	}
	if !slicesMatch(msg, k.actions()) {
		return nil, false
	}
	if !m.live() {
		return statusCmd("actions need a live host: this is a snapshot read from " + m.c.world.fromFile), true
	}
	if m.c.world == nil {
		return statusCmd("the first scan is still running"), true
	}
	var sel selection
	if s, ok := m.top().(selector); ok {
		sel = s.selection()
	}
	snap := m.c.world.snap
	var f *actionFlow
	var why string
	switch {
	case key.Matches(msg, k.Enter):
		f, why = enterFlow(sel, false)
	case key.Matches(msg, k.EnterCmd):
		f, why = enterFlow(sel, true)
	case key.Matches(msg, k.Unshare):
		f = unshareFlow()
	case key.Matches(msg, k.Veth):
		f, why = vethFlow(snap, sel)
	case key.Matches(msg, k.DelVeth):
		f, why = delVethFlow(snap, sel)
	case key.Matches(msg, k.Persist):
		f, why = persistFlow(sel)
	case key.Matches(msg, k.Hostname):
		f, why = hostnameFlow(snap, sel)
	case key.Matches(msg, k.Propagation):
		f, why = propagationFlow(sel)
	}
	if f == nil {
		return statusCmd(why), true
	}
	return m.startFlow(f), true
}

// slicesMatch reports whether msg matches one of bs.
func slicesMatch(msg tea.KeyPressMsg, bs []key.Binding) bool {
	for _, b := range bs {
		if key.Matches(msg, b) {
			return true
		}
	}
	return false
}

// execCmd runs an *exec.Cmd on the terminal, for tea.Exec.
type execCmd struct{ *exec.Cmd }

func (c execCmd) SetStdin(r io.Reader)  { c.Stdin = r }
func (c execCmd) SetStdout(w io.Writer) { c.Stdout = w }
func (c execCmd) SetStderr(w io.Writer) { c.Stderr = w }

// procName names a process in titles: "pid 1234 (sleep)".
func procName(p *inspect.Process) string {
	return fmt.Sprintf("pid %d (%s)", p.PID, p.Comm)
}

// nsName names a namespace in titles: "net 4026532249".
func nsName(ns *inspect.Namespace) string {
	return fmt.Sprintf("%s %d", ns.Type, ns.ID.Ino)
}

// mountHolder returns the file a bind mount holds ns at, "" for none.
func mountHolder(ns *inspect.Namespace) string {
	for _, h := range ns.Holders {
		if h.Kind == inspect.HeldByMount {
			return h.Path
		}
	}
	return ""
}

// enterFlow enters a shell (or, with withCmd, a command asked for) in
// the selected process's namespaces (--all), or in the selected
// namespace alone, through a process in it or the file that holds it.
func enterFlow(sel selection, withCmd bool) (*actionFlow, string) {
	var target *actions.Target
	opts := actions.EnterOptions{Quiet: true}
	var title string
	switch {
	case sel.proc != nil:
		t := actions.TargetOf(sel.proc)
		target, opts.All = &t, true
		title = "enter every namespace of " + procName(sel.proc)
	case sel.ns != nil && sel.ns.Lowest() != nil:
		t := actions.TargetOf(sel.ns.Lowest())
		target, opts.Types = &t, inspect.TypesOf(sel.ns.Type)
		title = "enter " + nsName(sel.ns) + " through " + procName(sel.ns.Lowest())
	case sel.ns != nil && mountHolder(sel.ns) != "":
		opts.Files = map[inspect.Type]string{sel.ns.Type: mountHolder(sel.ns)}
		title = "enter " + nsName(sel.ns) + " through " + mountHolder(sel.ns)
	case sel.ns != nil:
		return nil, "no process or file holds " + nsName(sel.ns) + " to enter it through"
	default:
		return nil, "choose a namespace or a process to enter"
	}
	f := &actionFlow{title: title}
	if withCmd {
		f.form = newForm(title, textIn("Command", "", "run by /bin/sh -c"))
	}
	f.build = func(fm *form) func() (*prepared, error) {
		o := opts
		if fm != nil && fm.text(0) != "" {
			o.Args = []string{"/bin/sh", "-c", fm.text(0)}
		}
		return func() (*prepared, error) {
			e, err := actions.Enter(target, o)
			if err != nil {
				return nil, err
			}
			return &prepared{desc: title, commands: []string{e.Command}, exec: execCmd{e.Cmd}, finish: e.Finish}, nil
		}
	}
	return f, ""
}

// hostnameFlow sets the hostname of the selected uts namespace, or of
// the selected process's.
func hostnameFlow(snap *inspect.Snapshot, sel selection) (*actionFlow, string) {
	ns, proc := sel.ns, sel.proc
	if proc != nil {
		ns = snap.Namespaces[proc.Namespaces.Of(inspect.UTS)]
	} else if ns != nil && ns.Type == inspect.UTS {
		proc = ns.Lowest()
	} else {
		return nil, "choose a uts namespace or a process to set the hostname of"
	}
	if proc == nil {
		return nil, "no process is in the selected uts namespace: a hostname is set through one"
	}
	current, title := "", "set the hostname of "+procName(proc)
	if ns != nil {
		title = "set the hostname of " + nsName(ns)
		if ns.Details.UTS != nil {
			current = ns.Details.UTS.Hostname
		}
	}
	target := actions.TargetOf(proc)
	f := &actionFlow{title: title, form: newForm(title, textIn("Hostname", current, "up to 64 bytes"))}
	f.build = func(fm *form) func() (*prepared, error) {
		name := fm.text(0)
		return func() (*prepared, error) {
			if err := actions.CheckHostname(name); err != nil {
				return nil, err
			}
			return actionPrepared(actions.SetHostname(target, name))
		}
	}
	return f, ""
}

// actionPrepared is a prepared Action, or the error of making it.
func actionPrepared(a *actions.Action, err error) (*prepared, error) {
	if err != nil {
		return nil, err
	}
	return &prepared{desc: a.Description, commands: a.Commands(), action: a}, nil
}

// persistFlow bind-mounts the selected namespace at a file (a name under
// /run/netns for a network namespace), or, when a bind mount holds it
// already, releases that.
func persistFlow(sel selection) (*actionFlow, string) {
	ns := sel.ns
	if ns == nil {
		return nil, "choose a namespace to persist or release"
	}
	if path := mountHolder(ns); path != "" {
		ino := ns.ID.Ino
		f := &actionFlow{title: "release " + path}
		f.build = func(*form) func() (*prepared, error) {
			return func() (*prepared, error) {
				if err := sameNamespaceFile(path, ino); err != nil {
					return nil, err
				}
				return actionPrepared(actions.Release(path))
			}
		}
		return f, ""
	}
	proc := ns.Lowest()
	if proc == nil {
		return nil, "no process is in " + nsName(ns) + " to persist it through"
	}
	target, typ := actions.TargetOf(proc), ns.Type
	title := "persist " + nsName(ns)
	var in *field
	if typ == inspect.Net {
		in = textIn("Name", fmt.Sprintf("nsdive-%d", ns.ID.Ino), "under "+actions.NetnsDir+", for ip netns")
	} else {
		in = textIn("File", fmt.Sprintf("/run/nsdive-%s-%d", typ, ns.ID.Ino), "an absolute path, created")
	}
	f := &actionFlow{title: title, form: newForm(title, in)}
	f.build = func(fm *form) func() (*prepared, error) {
		v := fm.text(0)
		return func() (*prepared, error) {
			path := v
			if typ == inspect.Net {
				p, err := actions.NetnsPath(v)
				if err != nil {
					return nil, err
				}
				path = p
			}
			return actionPrepared(actions.Persist(target, []actions.PersistSpec{{Type: typ, Path: path}}))
		}
	}
	return f, ""
}

// propagationFlow changes the propagation of the mount chosen on the
// mount page.
func propagationFlow(sel selection) (*actionFlow, string) {
	if sel.mount == nil || sel.mntns == nil {
		return nil, "choose a mount on a mount page (m) to change its propagation"
	}
	proc := sel.mntns.Lowest()
	if proc == nil {
		return nil, "no process is in " + nsName(sel.mntns) + " to change its mounts through"
	}
	target, path := actions.TargetOf(proc), sel.mount.MountPoint
	title := "propagation of " + path + " in " + nsName(sel.mntns)
	var opts []option
	for _, k := range []string{"private", "shared", "slave", "unbindable"} {
		opts = append(opts, option{k, k})
	}
	f := &actionFlow{title: title, form: newForm(title,
		choice("Propagation", opts, "mount --make-KIND"),
		toggle("Recursive", false, "the mounts under it too (--make-rKIND)"))}
	f.build = func(fm *form) func() (*prepared, error) {
		kind, rec := fm.chosen(0), fm.on(1)
		return func() (*prepared, error) {
			return actionPrepared(actions.SetPropagation(target, path, kind, rec))
		}
	}
	return f, ""
}
