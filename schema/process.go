package schema

import (
	"fmt"
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

// linksObject maps each /proc/PID/ns link name to its inode, or null when
// it is unknown.
func linksObject(set inspect.NamespaceSet) jsonw.Object {
	links := make(jsonw.Object, inspect.NumLinks)
	for l := range inspect.NumLinks {
		links[l] = jsonw.Field{Key: l.Name(), Value: nullID(set[l])}
	}
	return links
}

// processObject is one member of the snapshot's "processes".
func processObject(snap *inspect.Snapshot, p *inspect.Process, userName UserName) jsonw.Object {
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
		{Key: "namespaces", Value: linksObject(p.Namespaces)},
		{Key: "not_initial", Value: differs},
		{Key: "cgroup", Value: p.Cgroup},
		{Key: "container", Value: containerObject(p.Container)},
		{Key: "read", Value: fieldNames(p.Read)},
	}
}

// fields names the groups of a process's fields in "read".
var fields = []struct {
	field inspect.Fields
	name  string
}{
	{inspect.FieldStat, "stat"},
	{inspect.FieldNSpid, "nspid"},
	{inspect.FieldCmdline, "cmdline"},
	{inspect.FieldCgroup, "cgroup"},
}

func fieldNames(set inspect.Fields) []string {
	names := []string{}
	for _, f := range fields {
		if set&f.field != 0 {
			names = append(names, f.name)
		}
	}
	return names
}

// processWire is a member of "processes", as read.
type processWire struct {
	PID        int                `json:"pid"`
	TGID       int                `json:"tgid"`
	PPID       int                `json:"ppid"`
	Comm       string             `json:"comm"`
	Cmdline    []string           `json:"cmdline"`
	UID        *int               `json:"uid"`
	User       *string            `json:"user"`
	State      string             `json:"state"`
	StartTime  uint64             `json:"start_time"`
	NSpid      []int              `json:"nspid"`
	Namespaces map[string]*uint64 `json:"namespaces"`
	Cgroup     string             `json:"cgroup"`
	Container  *containerWire     `json:"container"`
	Read       *[]string          `json:"read"`
}

func (w processWire) process(ids ids) (*inspect.Process, error) {
	if w.PID <= 0 || w.TGID <= 0 {
		return nil, fmt.Errorf("pid %d and tgid %d: want both positive", w.PID, w.TGID)
	}
	if len(w.State) > 1 {
		return nil, fmt.Errorf("state %q: want one letter", w.State)
	}
	p := &inspect.Process{
		PID:        w.PID,
		TGID:       w.TGID,
		PPID:       w.PPID,
		Comm:       w.Comm,
		Cmdline:    w.Cmdline,
		UID:        -1,
		StartTime:  w.StartTime,
		NSpid:      w.NSpid,
		Namespaces: ids.set(w.Namespaces),
		Cgroup:     w.Cgroup,
		Container:  w.Container.container(),
		Read:       readFields(w.Read),
	}
	if w.UID != nil {
		p.UID = *w.UID
	}
	if w.State != "" {
		p.State = w.State[0]
	}
	return p, nil
}
