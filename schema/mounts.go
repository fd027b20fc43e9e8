package schema

import (
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/jsonw"
)

// WriteMounts prints `nsdive mounts -J`: the mount namespace, the process
// it was reached through and its mounts, each as in the snapshot's
// "mounts".
func WriteMounts(w io.Writer, mntns inspect.NamespaceID, pid int, table []inspect.Mount) error {
	return jsonw.Write(w, jsonw.Object{{Key: "mntns", Value: mntns.Ino}, {Key: "pid", Value: pid}, {Key: "mounts", Value: mountsArray(table)}})
}

func mountsArray(table []inspect.Mount) []jsonw.Object {
	out := make([]jsonw.Object, len(table))
	for i, m := range table {
		out[i] = jsonw.Object{
			{Key: "id", Value: m.ID},
			{Key: "parent", Value: m.ParentID},
			{Key: "major", Value: m.Major},
			{Key: "minor", Value: m.Minor},
			{Key: "root", Value: m.Root},
			{Key: "target", Value: m.MountPoint},
			{Key: "source", Value: m.Source},
			{Key: "fstype", Value: m.FSType},
			{Key: "options", Value: m.Options},
			{Key: "super_options", Value: m.SuperOptions},
			{Key: "propagation", Value: m.Propagation.String()},
			{Key: "shared", Value: m.Shared},
			{Key: "master", Value: m.Master},
			{Key: "propagate_from", Value: m.PropagateFrom},
			{Key: "unbindable", Value: m.Unbindable},
		}
	}
	return out
}

func peerGroupsObject(groups map[int][]inspect.MountRef) jsonw.Object {
	ids := make([]int, 0, len(groups))
	for id := range groups {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	obj := make(jsonw.Object, 0, len(ids))
	for _, id := range ids {
		members := make([]jsonw.Object, len(groups[id]))
		for i, ref := range groups[id] {
			members[i] = jsonw.Object{{Key: "mntns", Value: ref.MountNS.Ino}, {Key: "mount_id", Value: ref.MountID}}
		}
		obj = append(obj, jsonw.Field{Key: strconv.Itoa(id), Value: members})
	}
	return obj
}

// mountWire is one mount of "mounts", as read; "propagation" is derived.
type mountWire struct {
	ID            int    `json:"id"`
	Parent        int    `json:"parent"`
	Major         uint32 `json:"major"`
	Minor         uint32 `json:"minor"`
	Root          string `json:"root"`
	Target        string `json:"target"`
	Source        string `json:"source"`
	FSType        string `json:"fstype"`
	Options       string `json:"options"`
	SuperOptions  string `json:"super_options"`
	Shared        int    `json:"shared"`
	Master        int    `json:"master"`
	PropagateFrom int    `json:"propagate_from"`
	Unbindable    bool   `json:"unbindable"`
}

// mountRefWire is one member of a peer group.
type mountRefWire struct {
	MntNS   uint64 `json:"mntns"`
	MountID int    `json:"mount_id"`
}

// readMounts fills the snapshot's mount tables and peer groups.
func readMounts(snap *inspect.Snapshot, tables map[string][]mountWire, groups map[string][]mountRefWire, ids ids) error {
	for key, table := range tables {
		ino, err := strconv.ParseUint(key, 10, 64)
		if err != nil || ino == 0 {
			return fmt.Errorf("mounts: %q is not a mount namespace inode", key)
		}
		mounts := make([]inspect.Mount, len(table))
		for i, m := range table {
			mounts[i] = inspect.Mount{
				ID: m.ID, ParentID: m.Parent, Major: m.Major, Minor: m.Minor,
				Root: m.Root, MountPoint: m.Target, Options: m.Options,
				Propagation: inspect.Propagation{Shared: m.Shared, Master: m.Master,
					PropagateFrom: m.PropagateFrom, Unbindable: m.Unbindable},
				FSType: m.FSType, Source: m.Source, SuperOptions: m.SuperOptions,
			}
		}
		snap.Mounts[ids.id(ino)] = mounts
	}
	for key, members := range groups {
		id, err := strconv.Atoi(key)
		if err != nil || id <= 0 {
			return fmt.Errorf("peer_groups: %q is not a peer group id", key)
		}
		refs := make([]inspect.MountRef, len(members))
		for i, m := range members {
			refs[i] = inspect.MountRef{MountNS: ids.id(m.MntNS), MountID: m.MountID}
		}
		snap.PeerGroups[id] = refs
	}
	return nil
}
