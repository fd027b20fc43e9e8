package main

import (
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
)

// snapshotSchema names the shape written by `nsdive list --json --details`;
// it changes only by adding members, and a new name marks any other change.
const snapshotSchema = "nsdive.snapshot/v1"

// writeSnapshotJSON prints the whole snapshot: the namespaces asked for,
// every process, the mount tables and the peer groups. README.md documents
// the schema.
func writeSnapshotJSON(w io.Writer, snap *inspect.Snapshot, nss []*inspect.Namespace) error {
	namespaces := make([]jsonObject, len(nss))
	for i, ns := range nss {
		namespaces[i] = namespaceJSON(snap, ns)
	}
	procs := snap.SortedProcesses()
	processes := make([]jsonObject, len(procs))
	for i, p := range procs {
		processes[i] = processJSON(snap, p)
	}
	mounts := jsonObject{}
	for _, ns := range nss {
		if table, ok := snap.Mounts[ns.ID]; ok {
			mounts = append(mounts, jsonField{ns.ID.String(), mountsJSON(table)})
		}
	}
	return writeJSON(w, jsonObject{
		{"schema", snapshotSchema},
		{"taken", snap.Taken.Format(time.RFC3339Nano)},
		{"initial_pid", snap.InitialPID},
		{"unreadable", jsonObject{
			{"processes", snap.Unreadable.Processes},
			{"links", snap.Unreadable.Links},
			{"other", snap.Unreadable.Other},
		}},
		{"namespaces", namespaces},
		{"processes", processes},
		{"mounts", mounts},
		{"peer_groups", peerGroupsJSON(snap.PeerGroups)},
	})
}

// namespaceJSON starts with lsns -J's members and adds the rest.
func namespaceJSON(snap *inspect.Snapshot, ns *inspect.Namespace) jsonObject {
	row := &display.Row{NS: ns, Rep: ns.Lowest(), Snap: snap}
	obj := jsonObject{}
	for _, c := range []string{"NS", "TYPE", "NPROCS", "PID", "USER", "COMMAND"} {
		obj = append(obj, jsonField{strings.ToLower(c), row.Value(c)})
	}
	var pids, tids []int
	for _, p := range ns.Processes {
		if p.IsThread() {
			tids = append(tids, p.PID)
		} else {
			pids = append(pids, p.PID)
		}
	}
	holders := make([]jsonObject, len(ns.Holders))
	for i, h := range ns.Holders {
		holders[i] = holderJSON(h)
	}
	obj = append(obj,
		jsonField{"dev", ns.ID.Dev},
		jsonField{"initial", snap.IsInitial(ns)},
		jsonField{"pids", orEmpty(pids)},
		jsonField{"threads", orEmpty(tids)},
		jsonField{"holders", holders},
		jsonField{"parent", nullID(ns.Parent)},
		jsonField{"owner", nullID(ns.Owner)},
		jsonField{"owner_uid", nullIfNegative(ns.OwnerUID)},
		jsonField{"netnsid", row.Value("NETNSID")},
		jsonField{"container", ns.Container},
		jsonField{"details", detailsJSON(ns.Details)},
	)
	return obj
}

func holderJSON(h inspect.Holder) jsonObject {
	obj := jsonObject{{"kind", h.Kind.String()}}
	switch h.Kind {
	case inspect.HeldByMount:
		return append(obj, jsonField{"path", h.Path}, jsonField{"mntns", h.MountNS})
	case inspect.HeldForChildren:
		return append(obj, jsonField{"pid", h.PID})
	}
	return append(obj, jsonField{"pid", h.PID}, jsonField{"fd", h.FD})
}

// detailsJSON carries the part of Details that is set, or the error that
// kept it unread.
func detailsJSON(d inspect.Details) any {
	obj := jsonObject{}
	add := func(key string, v any, set bool) {
		if set {
			obj = append(obj, jsonField{key, v})
		}
	}
	add("uts", d.UTS, d.UTS != nil)
	add("net", d.Net, d.Net != nil)
	add("user", d.User, d.User != nil)
	add("time", d.Time, d.Time != nil)
	add("cgroup", d.Cgroup, d.Cgroup != nil)
	add("ipc", d.IPC, d.IPC != nil)
	if d.Err != nil {
		obj = append(obj, jsonField{"error", d.Err.Error()})
	}
	if len(obj) == 0 {
		return nil
	}
	return obj
}

func processJSON(snap *inspect.Snapshot, p *inspect.Process) jsonObject {
	links := jsonObject{}
	for l := inspect.Link(0); l < inspect.NumLinks; l++ {
		links = append(links, jsonField{l.Name(), nullID(p.Namespaces[l])})
	}
	var user any
	if p.UID >= 0 {
		user = display.SystemUsers.Name(p.UID)
	}
	differs := []string{}
	for _, l := range snap.DiffersFromInitial(p) {
		differs = append(differs, l.Name())
	}
	return jsonObject{
		{"pid", p.PID},
		{"tgid", p.TGID},
		{"ppid", p.PPID},
		{"comm", p.Comm},
		{"cmdline", p.Cmdline},
		{"uid", nullIfNegative(p.UID)},
		{"user", user},
		{"state", string(p.State)},
		{"start_time", p.StartTime},
		{"nspid", p.NSpid},
		{"namespaces", links},
		{"not_initial", differs},
		{"cgroup", p.Cgroup},
		{"container", p.Container},
	}
}

func mountsJSON(table []inspect.Mount) []jsonObject {
	out := make([]jsonObject, len(table))
	for i, m := range table {
		out[i] = jsonObject{
			{"id", m.ID},
			{"parent", m.ParentID},
			{"major", m.Major},
			{"minor", m.Minor},
			{"root", m.Root},
			{"target", m.MountPoint},
			{"source", m.Source},
			{"fstype", m.FSType},
			{"options", m.Options},
			{"super_options", m.SuperOptions},
			{"propagation", m.Propagation.String()},
			{"shared", m.Shared},
			{"master", m.Master},
			{"propagate_from", m.PropagateFrom},
			{"unbindable", m.Unbindable},
		}
	}
	return out
}

func peerGroupsJSON(groups map[int][]inspect.MountRef) jsonObject {
	ids := make([]int, 0, len(groups))
	for id := range groups {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	obj := make(jsonObject, 0, len(ids))
	for _, id := range ids {
		members := make([]jsonObject, len(groups[id]))
		for i, ref := range groups[id] {
			members[i] = jsonObject{{"mntns", ref.MountNS}, {"mount_id", ref.MountID}}
		}
		obj = append(obj, jsonField{strconv.Itoa(id), members})
	}
	return obj
}

func nullID(id inspect.NamespaceID) any {
	if id.IsZero() {
		return nil
	}
	return id.Ino
}

func nullIfNegative(n int) any {
	if n < 0 {
		return nil
	}
	return n
}

func orEmpty(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}
