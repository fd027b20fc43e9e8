package schema

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/nsdive/nsdive/inspect"
)

// Document is a snapshot read back from nsdive.snapshot/v1.
type Document struct {
	// Snapshot is the snapshot as the writer saw it. Its ProcRoot is
	// empty: it describes processes of the host and moment it was taken,
	// so Fill reads nothing for it.
	Snapshot *inspect.Snapshot
	// Namespaces are the namespaces the file lists, in its order (a
	// writer may have listed a selection; Snapshot.Namespaces has them
	// too).
	Namespaces []*inspect.Namespace
	// UserNames are the login names the writer gave uids, which may not
	// be this host's.
	UserNames map[int]string
}

// UserName gives the login name the file has for uid, or the number; it
// is a UserName to write the document again.
func (d *Document) UserName(uid int) string {
	if name, ok := d.UserNames[uid]; ok {
		return name
	}
	return strconv.Itoa(uid)
}

// fileWire is the top level of the schema, as read. What a snapshot
// derives (a namespace's counts, lowest pid, command, user, "initial",
// pids and threads; a process's "not_initial") is not read back: the
// namespaces' members come from the processes' links, as a scan finds
// them.
type fileWire struct {
	Schema     string                    `json:"schema"`
	Taken      string                    `json:"taken"`
	InitialPID int                       `json:"initial_pid"`
	Initial    map[string]*uint64        `json:"initial"`
	Self       map[string]*uint64        `json:"self"`
	Parts      *[]string                 `json:"parts"`
	Types      *[]string                 `json:"detail_types"`
	Unreadable unreadableWire            `json:"unreadable"`
	Namespaces []namespaceWire           `json:"namespaces"`
	Processes  []processWire             `json:"processes"`
	Mounts     map[string][]mountWire    `json:"mounts"`
	PeerGroups map[string][]mountRefWire `json:"peer_groups"`
}

type unreadableWire struct {
	Processes int `json:"processes"`
	Links     int `json:"links"`
	Other     int `json:"other"`
}

// Read reads a snapshot that Write wrote. Members it does not know are
// ignored, as the schema only ever adds members; a file of another schema
// is an error.
func Read(r io.Reader) (*Document, error) {
	var f fileWire
	if err := json.NewDecoder(r).Decode(&f); err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	if f.Schema != Name {
		return nil, fmt.Errorf("read snapshot: schema %q, want %q (a file from nsdive list --json --details)", f.Schema, Name)
	}
	taken, err := time.Parse(time.RFC3339Nano, f.Taken)
	if err != nil {
		return nil, fmt.Errorf("read snapshot: taken: %w", err)
	}
	ids := newIDs(f.Namespaces)
	snap := inspect.NewSnapshot(taken, ids.set(f.Self))
	snap.Initial = ids.set(f.Initial)
	snap.InitialPID = f.InitialPID
	snap.Parts, snap.DetailTypes = readParts(f.Parts), readTypes(f.Types)
	snap.Unreadable = inspect.Unreadable(f.Unreadable)
	doc := &Document{Snapshot: snap, UserNames: make(map[int]string)}
	for _, w := range f.Namespaces {
		ns, err := w.namespace(ids)
		if err != nil {
			return nil, fmt.Errorf("read snapshot: namespace %d: %w", w.NS, err)
		}
		if snap.Namespaces[ns.ID] != nil {
			return nil, fmt.Errorf("read snapshot: namespace %d is listed twice", w.NS)
		}
		snap.Namespaces[ns.ID] = ns
		doc.Namespaces = append(doc.Namespaces, ns)
	}
	for _, w := range f.Processes {
		p, err := w.process(ids)
		if err != nil {
			return nil, fmt.Errorf("read snapshot: process %d: %w", w.PID, err)
		}
		if snap.Processes[p.PID] != nil {
			return nil, fmt.Errorf("read snapshot: process %d is listed twice", w.PID)
		}
		snap.Processes[p.PID] = p
		if p.UID >= 0 && w.User != nil {
			doc.UserNames[p.UID] = *w.User
		}
	}
	addMembers(snap)
	if err := readMounts(snap, f.Mounts, f.PeerGroups, ids); err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	return doc, nil
}

// A file without "parts", "detail_types" or a process's "read" is from
// before they were written, when only `list --json --details` wrote the
// schema, and it read everything. Names a reader does not know are left
// out, as a newer nsdive may read more.

func readParts(names *[]string) inspect.Part {
	var set inspect.Part
	for _, p := range parts {
		if names == nil || slices.Contains(*names, p.name) {
			set |= p.part
		}
	}
	return set
}

func readTypes(names *[]string) inspect.TypeSet {
	if names == nil {
		return inspect.AllTypes
	}
	var set inspect.TypeSet
	for _, name := range *names {
		if t, err := inspect.ParseType(name); err == nil {
			set |= inspect.TypesOf(t)
		}
	}
	return set
}

func readFields(names *[]string) inspect.Fields {
	var set inspect.Fields
	for _, f := range fields {
		if names == nil || slices.Contains(*names, f.name) {
			set |= f.field
		}
	}
	return set
}

// addMembers lists each process in the namespaces its links name, as a
// scan does: sorted by pid, threads in every namespace of theirs.
func addMembers(snap *inspect.Snapshot) {
	for _, p := range snap.SortedProcesses() {
		for l := range inspect.NumLinks {
			if l.ForChildren() {
				continue
			}
			if ns := snap.Namespaces[p.Namespaces[l]]; ns != nil && ns.Type == l.Type() {
				ns.Processes = append(ns.Processes, p)
			}
		}
	}
}

// ids turns the file's inode numbers into namespace IDs. Every namespace
// of a host is on the one nsfs device, which the file gives per listed
// namespace ("dev"); an inode the file does not list gets that device too.
type ids struct {
	dev  map[uint64]uint64
	host uint64
}

func newIDs(nss []namespaceWire) ids {
	r := ids{dev: make(map[uint64]uint64, len(nss))}
	for i, ns := range nss {
		if i == 0 {
			r.host = ns.Dev
		}
		r.dev[ns.NS] = ns.Dev
	}
	return r
}

// id returns the namespace with inode ino; 0 is unknown.
func (r ids) id(ino uint64) inspect.NamespaceID {
	if ino == 0 {
		return inspect.NamespaceID{}
	}
	dev, ok := r.dev[ino]
	if !ok {
		dev = r.host
	}
	return inspect.NamespaceID{Dev: dev, Ino: ino}
}

// nullable returns the namespace an inode-or-null member names.
func (r ids) nullable(ino *uint64) inspect.NamespaceID {
	if ino == nil {
		return inspect.NamespaceID{}
	}
	return r.id(*ino)
}

// set reads a link name → inode object; links it does not know are left
// out, as a newer kernel may add some.
func (r ids) set(links map[string]*uint64) inspect.NamespaceSet {
	var set inspect.NamespaceSet
	for name, ino := range links {
		if l, ok := linkNamed(name); ok {
			set[l] = r.nullable(ino)
		}
	}
	return set
}

func linkNamed(name string) (inspect.Link, bool) {
	for l := range inspect.NumLinks {
		if l.Name() == name {
			return l, true
		}
	}
	return 0, false
}
