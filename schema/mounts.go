package schema

import (
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
