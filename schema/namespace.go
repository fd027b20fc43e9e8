package schema

import (
	"fmt"
	"strconv"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/jsonw"
)

// namespaceObject starts with lsns -J's members and adds the rest.
func namespaceObject(snap *inspect.Snapshot, ns *inspect.Namespace, userName UserName) jsonw.Object {
	var pid, user, command any
	if p := ns.Lowest(); p != nil {
		pid, command = p.PID, display.CommandLine(p)
		if p.UID >= 0 {
			user = userName(p.UID)
		}
	}
	var pids, tids []int
	for _, p := range ns.Processes {
		switch {
		case !p.IsThread():
			pids = append(pids, p.PID)
		case leaderElsewhere(snap, p, ns):
			tids = append(tids, p.PID)
		}
	}
	holders := make([]jsonw.Object, len(ns.Holders))
	for i, h := range ns.Holders {
		holders[i] = holderObject(h)
	}
	var netnsid any
	if ns.Type == inspect.Net && ns.NetNSID >= 0 {
		netnsid = ns.NetNSID
	}
	return jsonw.Object{
		{Key: "ns", Value: ns.ID.Ino},
		{Key: "type", Value: ns.Type.String()},
		{Key: "nprocs", Value: ns.NumProcs()},
		{Key: "pid", Value: pid},
		{Key: "user", Value: user},
		{Key: "command", Value: command},
		{Key: "dev", Value: ns.ID.Dev},
		{Key: "initial", Value: snap.IsInitial(ns)},
		{Key: "pids", Value: orEmpty(pids)},
		{Key: "threads", Value: orEmpty(tids)},
		{Key: "holders", Value: holders},
		{Key: "parent", Value: nullID(ns.Parent)},
		{Key: "owner", Value: nullID(ns.Owner)},
		{Key: "owner_uid", Value: nullIfNegative(ns.OwnerUID)},
		{Key: "serial", Value: nullIfZero(ns.Serial)},
		{Key: "netnsid", Value: netnsid},
		{Key: "container", Value: containerObject(ns.Container)},
		{Key: "containers", Value: containerObjects(ns.Containers)},
		{Key: "details", Value: detailsObject(ns.Details)},
	}
}

// leaderElsewhere reports whether thread's leader is outside ns: a thread
// that differs from its leader in one namespace is a member of all of its
// namespaces, but "threads" lists it only where the leader is not.
func leaderElsewhere(snap *inspect.Snapshot, thread *inspect.Process, ns *inspect.Namespace) bool {
	leader := snap.Processes[thread.TGID]
	return leader == nil || leader.Namespaces.Of(ns.Type) != ns.ID
}

func holderObject(h inspect.Holder) jsonw.Object {
	obj := jsonw.Object{{Key: "kind", Value: h.Kind.String()}}
	switch h.Kind {
	case inspect.HeldByMount:
		return append(obj, jsonw.Field{Key: "path", Value: h.Path}, jsonw.Field{Key: "mntns", Value: h.MountNS.Ino})
	case inspect.HeldForChildren:
		return append(obj, jsonw.Field{Key: "pid", Value: h.PID})
	}
	return append(obj, jsonw.Field{Key: "pid", Value: h.PID}, jsonw.Field{Key: "fd", Value: h.FD})
}

func containerObject(c *inspect.Container) any {
	if c == nil {
		return nil
	}
	obj := jsonw.Object{{Key: "engine", Value: c.Engine}, {Key: "id", Value: c.ID}, {Key: "name", Value: c.Name}}
	if c.Pod != "" {
		obj = append(obj, jsonw.Field{Key: "pod", Value: c.Pod})
	}
	return obj
}

func containerObjects(cs []*inspect.Container) []jsonw.Object {
	out := make([]jsonw.Object, len(cs))
	for i, c := range cs {
		out[i] = containerObject(c).(jsonw.Object)
	}
	return out
}

// numericUserName names a uid by its number.
func numericUserName(uid int) string { return strconv.Itoa(uid) }

func nullID(id inspect.NamespaceID) any {
	if id.IsZero() {
		return nil
	}
	return id.Ino
}

func nullIfZero(n uint64) any {
	if n == 0 {
		return nil
	}
	return n
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

// namespaceWire is a member of "namespaces", as read.
type namespaceWire struct {
	NS         uint64           `json:"ns"`
	Type       string           `json:"type"`
	Dev        uint64           `json:"dev"`
	Holders    []holderWire     `json:"holders"`
	Parent     *uint64          `json:"parent"`
	Owner      *uint64          `json:"owner"`
	OwnerUID   *int             `json:"owner_uid"`
	Serial     *uint64          `json:"serial"`
	NetNSID    *int             `json:"netnsid"`
	Container  *containerWire   `json:"container"`
	Containers []*containerWire `json:"containers"`
	Details    *detailsWire     `json:"details"`
}

type holderWire struct {
	Kind  string `json:"kind"`
	Path  string `json:"path"`
	MntNS uint64 `json:"mntns"`
	PID   int    `json:"pid"`
	FD    int    `json:"fd"`
}

type containerWire struct {
	Engine string `json:"engine"`
	ID     string `json:"id"`
	Name   string `json:"name"`
	Pod    string `json:"pod"`
}

// namespace builds the namespace without its members, which come from the
// processes' links.
func (w namespaceWire) namespace(ids ids) (*inspect.Namespace, error) {
	if w.NS == 0 {
		return nil, fmt.Errorf("no inode (\"ns\")")
	}
	t, err := inspect.ParseType(w.Type)
	if err != nil {
		return nil, err
	}
	ns := &inspect.Namespace{
		ID:        ids.id(w.NS),
		Type:      t,
		Parent:    ids.nullable(w.Parent),
		Owner:     ids.nullable(w.Owner),
		OwnerUID:  -1,
		NetNSID:   -1,
		Container: w.Container.container(),
	}
	for _, c := range w.Containers {
		ns.Containers = append(ns.Containers, c.container())
	}
	// A file from before "containers" names at most the one container.
	if w.Containers == nil && ns.Container != nil {
		ns.Containers = []*inspect.Container{ns.Container}
	}
	if w.OwnerUID != nil {
		ns.OwnerUID = *w.OwnerUID
	}
	if w.Serial != nil {
		ns.Serial = *w.Serial
	}
	if w.NetNSID != nil {
		ns.NetNSID = *w.NetNSID
	}
	for _, h := range w.Holders {
		holder, err := h.holder(ids)
		if err != nil {
			return nil, err
		}
		ns.Holders = append(ns.Holders, holder)
	}
	if w.Details != nil {
		ns.Details = w.Details.details(ids)
	}
	return ns, nil
}

// holderKinds are the kinds a holder's "kind" names.
var holderKinds = [...]inspect.HolderKind{inspect.HeldByMount, inspect.HeldByFD, inspect.HeldBySocket, inspect.HeldForChildren}

func (w holderWire) holder(ids ids) (inspect.Holder, error) {
	for _, k := range holderKinds {
		if k.String() == w.Kind {
			return inspect.Holder{Kind: k, Path: w.Path, MountNS: ids.id(w.MntNS), PID: w.PID, FD: w.FD}, nil
		}
	}
	return inspect.Holder{}, fmt.Errorf("unknown holder kind %q", w.Kind)
}

func (w *containerWire) container() *inspect.Container {
	if w == nil {
		return nil
	}
	return &inspect.Container{Engine: w.Engine, ID: w.ID, Name: w.Name, Pod: w.Pod}
}
