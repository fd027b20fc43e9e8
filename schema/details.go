package schema

import (
	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/jsonw"
)

// detailsObject carries the part of Details that is set, or the error that
// kept it unread; null when nothing was read.
func detailsObject(d inspect.Details) any {
	obj := jsonw.Object{}
	if d.UTS != nil {
		obj = append(obj, jsonw.Field{Key: "uts", Value: jsonw.Object{
			{Key: "hostname", Value: d.UTS.Hostname},
			{Key: "domainname", Value: d.UTS.Domainname},
		}})
	}
	if d.Net != nil {
		obj = append(obj, jsonw.Field{Key: "net", Value: netObject(d.Net)})
	}
	if d.User != nil {
		obj = append(obj, jsonw.Field{Key: "user", Value: jsonw.Object{
			{Key: "uid_map", Value: idMapArray(d.User.UIDMap)},
			{Key: "gid_map", Value: idMapArray(d.User.GIDMap)},
			{Key: "setgroups", Value: d.User.SetGroups},
		}})
	}
	if d.Time != nil {
		obj = append(obj, jsonw.Field{Key: "time", Value: jsonw.Object{
			{Key: "monotonic_ns", Value: int64(d.Time.Monotonic)},
			{Key: "boottime_ns", Value: int64(d.Time.Boottime)},
		}})
	}
	if d.Cgroup != nil {
		obj = append(obj, jsonw.Field{Key: "cgroup", Value: jsonw.Object{{Key: "root", Value: d.Cgroup.Root}}})
	}
	if d.IPC != nil {
		obj = append(obj, jsonw.Field{Key: "ipc", Value: jsonw.Object{
			{Key: "shm", Value: d.IPC.SharedMemory},
			{Key: "sem", Value: d.IPC.Semaphores},
			{Key: "msg", Value: d.IPC.MessageQueue},
		}})
	}
	if d.Err != nil {
		obj = append(obj, jsonw.Field{Key: "error", Value: d.Err.Error()})
	}
	if len(obj) == 0 {
		return nil
	}
	return obj
}

func netObject(n *inspect.NetInfo) jsonw.Object {
	var ifaces, routes []jsonw.Object
	if n.Interfaces != nil {
		ifaces = make([]jsonw.Object, len(n.Interfaces))
	}
	for i, ifc := range n.Interfaces {
		obj := jsonw.Object{
			{Key: "index", Value: ifc.Index},
			{Key: "name", Value: ifc.Name},
			{Key: "kind", Value: ifc.Kind},
			{Key: "state", Value: ifc.State},
			{Key: "mac", Value: ifc.MAC},
			{Key: "mtu", Value: ifc.MTU},
			{Key: "addrs", Value: ifc.Addrs},
		}
		if ifc.Master != "" {
			obj = append(obj, jsonw.Field{Key: "master", Value: ifc.Master})
		}
		if ifc.Peer != nil {
			obj = append(obj, jsonw.Field{Key: "peer", Value: jsonw.Object{
				{Key: "ns", Value: ifc.Peer.Namespace.Ino},
				{Key: "index", Value: ifc.Peer.Index},
				{Key: "name", Value: ifc.Peer.Name},
			}})
		}
		ifaces[i] = obj
	}
	if n.Routes != nil {
		routes = make([]jsonw.Object, len(n.Routes))
	}
	for i, r := range n.Routes {
		obj := jsonw.Object{{Key: "dst", Value: r.Dst}}
		if r.Gateway != "" {
			obj = append(obj, jsonw.Field{Key: "gateway", Value: r.Gateway})
		}
		obj = append(obj, jsonw.Field{Key: "dev", Value: r.Dev})
		if r.Src != "" {
			obj = append(obj, jsonw.Field{Key: "src", Value: r.Src})
		}
		routes[i] = obj
	}
	return jsonw.Object{{Key: "interfaces", Value: ifaces}, {Key: "routes", Value: routes}}
}

func idMapArray(ranges []inspect.IDMapRange) []jsonw.Object {
	if ranges == nil {
		return nil
	}
	out := make([]jsonw.Object, len(ranges))
	for i, r := range ranges {
		out[i] = jsonw.Object{
			{Key: "inside", Value: r.Inside},
			{Key: "outside", Value: r.Outside},
			{Key: "length", Value: r.Length},
		}
	}
	return out
}
