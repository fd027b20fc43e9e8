package schema

import (
	"io"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/jsonw"
)

// WriteProcesses prints `nsdive ps -J`: the pid whose namespaces are the
// initial ones and procs, each as in the snapshot's "processes".
func WriteProcesses(w io.Writer, snap *inspect.Snapshot, procs []*inspect.Process, userName UserName) error {
	if userName == nil {
		userName = numericUserName
	}
	items := make([]jsonw.Object, len(procs))
	for i, p := range procs {
		items[i] = processObject(snap, p, userName)
	}
	return jsonw.Write(w, jsonw.Object{{Key: "initial_pid", Value: snap.InitialPID}, {Key: "processes", Value: items}})
}

// processObject is one member of the snapshot's "processes".
func processObject(snap *inspect.Snapshot, p *inspect.Process, userName UserName) jsonw.Object {
	links := make(jsonw.Object, inspect.NumLinks)
	for l := range inspect.NumLinks {
		links[l] = jsonw.Field{Key: l.Name(), Value: nullID(p.Namespaces[l])}
	}
	var user any
	if p.UID >= 0 {
		user = userName(p.UID)
	}
	differs := []string{}
	for _, l := range snap.DiffersFromInitial(p) {
		differs = append(differs, l.Name())
	}
	return jsonw.Object{
		{Key: "pid", Value: p.PID},
		{Key: "tgid", Value: p.TGID},
		{Key: "ppid", Value: p.PPID},
		{Key: "comm", Value: p.Comm},
		{Key: "cmdline", Value: p.Cmdline},
		{Key: "uid", Value: nullIfNegative(p.UID)},
		{Key: "user", Value: user},
		{Key: "state", Value: string(p.State)},
		{Key: "start_time", Value: p.StartTime},
		{Key: "nspid", Value: p.NSpid},
		{Key: "namespaces", Value: links},
		{Key: "not_initial", Value: differs},
		{Key: "cgroup", Value: p.Cgroup},
		{Key: "container", Value: containerObject(p.Container)},
	}
}
