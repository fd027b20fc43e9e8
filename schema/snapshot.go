package schema

import (
	"io"
	"time"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/jsonw"
)

// Name names the shape Write writes; it changes only by adding members,
// and a new name marks any other change.
const Name = "nsdive.snapshot/v1"

// parts names the optional parts of a snapshot in "parts".
var parts = []struct {
	part inspect.Part
	name string
}{
	{inspect.PartMountHolders, "mount_holders"},
	{inspect.PartFDHolders, "fd_holders"},
	{inspect.PartForChildren, "for_children"},
	{inspect.PartHierarchy, "hierarchy"},
	{inspect.PartContainers, "containers"},
	{inspect.PartNetNSID, "netnsid"},
}

func partNames(set inspect.Part) []string {
	names := []string{}
	for _, p := range parts {
		if set&p.part != 0 {
			names = append(names, p.name)
		}
	}
	return names
}

func typeNames(set inspect.TypeSet) []string {
	names := []string{}
	for _, t := range inspect.Types {
		if set.Has(t) {
			names = append(names, t.String())
		}
	}
	return names
}

// UserName gives the login name of a uid, for the "user" members; the
// CLI passes its cached lookup, a reader of a file the names it holds.
type UserName func(uid int) string

// Write prints snap as nsdive.snapshot/v1: the namespaces nss in the order
// given, every process, the mount tables of the mount namespaces among
// nss, and every peer group. userName names uids; nil writes numbers.
func Write(w io.Writer, snap *inspect.Snapshot, nss []*inspect.Namespace, userName UserName) error {
	if userName == nil {
		userName = numericUserName
	}
	namespaces := make([]jsonw.Object, len(nss))
	for i, ns := range nss {
		namespaces[i] = namespaceObject(snap, ns, userName)
	}
	procs := snap.SortedProcesses()
	processes := make([]jsonw.Object, len(procs))
	for i, p := range procs {
		processes[i] = processObject(snap, p, userName)
	}
	mounts := jsonw.Object{}
	for _, ns := range nss {
		if table, ok := snap.Mounts[ns.ID]; ok {
			mounts = append(mounts, jsonw.Field{Key: ns.ID.String(), Value: mountsArray(table)})
		}
	}
	return jsonw.Write(w, jsonw.Object{
		{Key: "schema", Value: Name},
		{Key: "taken", Value: snap.Taken.Format(time.RFC3339Nano)},
		{Key: "initial_pid", Value: snap.InitialPID},
		{Key: "initial", Value: linksObject(snap.Initial)},
		{Key: "self", Value: linksObject(snap.Self())},
		{Key: "parts", Value: partNames(snap.Parts)},
		{Key: "detail_types", Value: typeNames(snap.DetailTypes)},
		{Key: "unreadable", Value: jsonw.Object{
			{Key: "processes", Value: snap.Unreadable.Processes},
			{Key: "links", Value: snap.Unreadable.Links},
			{Key: "other", Value: snap.Unreadable.Other},
		}},
		{Key: "namespaces", Value: namespaces},
		{Key: "processes", Value: processes},
		{Key: "mounts", Value: mounts},
		{Key: "peer_groups", Value: peerGroupsObject(snap.PeerGroups)},
	})
}
