package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsdive/nsdive/actions"
	"github.com/nsdive/nsdive/inspect"
)

// netOf returns the network namespace of the selection: the namespace
// chosen when it is one, else the chosen process's.
func netOf(snap *inspect.Snapshot, sel selection) *inspect.Namespace {
	if sel.proc != nil {
		return snap.Namespaces[sel.proc.Namespaces.Of(inspect.Net)]
	}
	if sel.ns != nil && sel.ns.Type == inspect.Net {
		return sel.ns
	}
	return nil
}

// netRef returns how actions.ParseNetNS names ns, and a label for it: a
// name under /run/netns, "host" for the explorer's own, the pid of a
// process in it, or a file that holds it; ref is "" when there is no way
// to it.
func netRef(snap *inspect.Snapshot, ns *inspect.Namespace) (ref, label string) {
	path := mountHolder(ns)
	if name, ok := strings.CutPrefix(path, actions.NetnsDir+"/"); ok && !strings.Contains(name, "/") {
		return name, "netns " + name
	}
	if self := snap.Self(); ns.ID == self.Of(inspect.Net) {
		return "host", "host"
	}
	if p := ns.Lowest(); p != nil {
		label = procName(p)
		if ns.Container != nil {
			label = ns.Container.String() + " " + label
		}
		return strconv.Itoa(p.PID), label
	}
	if path != "" {
		return path, path
	}
	return "", ""
}

// netChoices are the network namespaces of snap but skip, as the other
// end of a veth: the host first, then by label.
func netChoices(snap *inspect.Snapshot, skip inspect.NamespaceID) []option {
	var opts []option
	for id, ns := range snap.Namespaces {
		if ns.Type != inspect.Net || id == skip {
			continue
		}
		if ref, label := netRef(snap, ns); ref != "" {
			opts = append(opts, option{label, ref})
		}
	}
	slices.SortFunc(opts, func(a, b option) int {
		if (a.value == "host") != (b.value == "host") {
			if a.value == "host" {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.label, b.label)
	})
	return opts
}

// vethFlow links the selected network namespace to another by a new veth
// pair, with optional addresses and names.
func vethFlow(snap *inspect.Snapshot, sel selection) (*actionFlow, string) {
	ns := netOf(snap, sel)
	if ns == nil {
		return nil, "choose a network namespace (or a process) to link by a veth"
	}
	refA, label := netRef(snap, ns)
	if refA == "" {
		return nil, "no process or file holds " + nsName(ns) + " to reach it through"
	}
	others := netChoices(snap, ns.ID)
	if len(others) == 0 {
		return nil, "no other network namespace to link " + nsName(ns) + " to"
	}
	title := "veth from " + label
	f := &actionFlow{title: title, show: ns.ID, form: newForm(title,
		choice("Other end", others, "←/→ to choose"),
		textIn("Address here", "", "CIDR, e.g. 10.0.0.1/24, or empty"),
		textIn("Address there", "", "CIDR, or empty"),
		textIn("Name here", "", "empty: v- and a word for the other end"),
		textIn("Name there", "", "empty: v- and a word for this end"))}
	f.build = func(fm *form) func() (*prepared, error) {
		refB := fm.chosen(0)
		cidrA, cidrB, nameA, nameB := fm.text(1), fm.text(2), fm.text(3), fm.text(4)
		return func() (*prepared, error) {
			a, err := vethEnd(refA, nameA, cidrA)
			if err != nil {
				return nil, err
			}
			b, err := vethEnd(refB, nameB, cidrB)
			if err != nil {
				return nil, err
			}
			if a, b, err = actions.PlanVeth(a, b); err != nil {
				return nil, err
			}
			return actionPrepared(actions.Veth(a, b))
		}
	}
	return f, ""
}

// vethEnd resolves one end of a veth pair from the form.
func vethEnd(ref, name, cidr string) (actions.VethEnd, error) {
	ns, err := actions.ParseNetNS(ref)
	if err != nil {
		return actions.VethEnd{}, err
	}
	e := actions.VethEnd{NS: ns, Name: name}
	if cidr != "" {
		if e.Addr, err = actions.ParseCIDR(cidr); err != nil {
			return e, err
		}
	}
	return e, nil
}

// delVethFlow deletes a veth of the selected network namespace, and its
// peer with it.
func delVethFlow(snap *inspect.Snapshot, sel selection) (*actionFlow, string) {
	ns := netOf(snap, sel)
	if ns == nil {
		return nil, "choose a network namespace (or a process) to delete a veth of"
	}
	ref, label := netRef(snap, ns)
	if ref == "" {
		return nil, "no process or file holds " + nsName(ns) + " to reach it through"
	}
	var opts []option
	pick := 0
	if ns.Details.Net != nil {
		for _, i := range ns.Details.Net.Interfaces {
			if i.Kind == "veth" {
				if sel.iface != nil && sel.iface.Name == i.Name {
					pick = len(opts)
				}
				opts = append(opts, option{i.Name + " " + strings.Join(i.Addrs, " "), i.Name})
			}
		}
	}
	if len(opts) == 0 {
		return nil, "no veth in " + label + " to delete"
	}
	title := "delete a veth in " + label
	in := choice("Interface", opts, "←/→ to choose; its peer goes too")
	in.pick = pick
	f := &actionFlow{title: title, form: newForm(title, in)}
	f.build = func(fm *form) func() (*prepared, error) {
		name := fm.chosen(0)
		return func() (*prepared, error) {
			n, err := actions.ParseNetNS(ref)
			if err != nil {
				return nil, err
			}
			return actionPrepared(actions.DeleteVeth(n, name))
		}
	}
	return f, ""
}

// sameNamespaceFile fails unless path is a namespace file of inode ino:
// the file the snapshot saw holding the namespace was not replaced since.
func sameNamespaceFile(path string, ino uint64) error {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return fmt.Errorf("stat %s: %w", path, err)
	}
	if st.Ino != ino {
		return fmt.Errorf("%s holds another namespace now (inode %d): rescan (r) and choose again", path, st.Ino)
	}
	return nil
}
