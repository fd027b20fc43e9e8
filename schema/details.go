package schema

import (
	"errors"
	"time"

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
		if st := ifc.Stats; st != nil {
			obj = append(obj,
				jsonw.Field{Key: "rx_bytes", Value: st.RxBytes}, jsonw.Field{Key: "tx_bytes", Value: st.TxBytes},
				jsonw.Field{Key: "rx_packets", Value: st.RxPackets}, jsonw.Field{Key: "tx_packets", Value: st.TxPackets})
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

// detailsWire is a namespace's "details", as read.
type detailsWire struct {
	UTS *struct {
		Hostname   string `json:"hostname"`
		Domainname string `json:"domainname"`
	} `json:"uts"`
	Net  *netWire  `json:"net"`
	User *userWire `json:"user"`
	Time *struct {
		Monotonic int64 `json:"monotonic_ns"`
		Boottime  int64 `json:"boottime_ns"`
	} `json:"time"`
	Cgroup *struct {
		Root string `json:"root"`
	} `json:"cgroup"`
	IPC *struct {
		SharedMemory int `json:"shm"`
		Semaphores   int `json:"sem"`
		MessageQueue int `json:"msg"`
	} `json:"ipc"`
	Error *string `json:"error"`
}

type netWire struct {
	Interfaces []struct {
		Index  int      `json:"index"`
		Name   string   `json:"name"`
		Kind   string   `json:"kind"`
		State  string   `json:"state"`
		MAC    string   `json:"mac"`
		MTU    int      `json:"mtu"`
		Addrs  []string `json:"addrs"`
		Master string   `json:"master"`
		Peer   *struct {
			NS    uint64 `json:"ns"`
			Index int    `json:"index"`
			Name  string `json:"name"`
		} `json:"peer"`
		// The counters are written together; a file without them
		// (older than these members) has none.
		RxBytes   *uint64 `json:"rx_bytes"`
		TxBytes   uint64  `json:"tx_bytes"`
		RxPackets uint64  `json:"rx_packets"`
		TxPackets uint64  `json:"tx_packets"`
	} `json:"interfaces"`
	Routes []struct {
		Dst     string `json:"dst"`
		Gateway string `json:"gateway"`
		Dev     string `json:"dev"`
		Src     string `json:"src"`
	} `json:"routes"`
}

type userWire struct {
	UIDMap    []idMapWire `json:"uid_map"`
	GIDMap    []idMapWire `json:"gid_map"`
	SetGroups string      `json:"setgroups"`
}

type idMapWire struct {
	Inside  uint32 `json:"inside"`
	Outside uint32 `json:"outside"`
	Length  uint32 `json:"length"`
}

func idMap(w []idMapWire) []inspect.IDMapRange {
	if w == nil {
		return nil
	}
	out := make([]inspect.IDMapRange, len(w))
	for i, r := range w {
		out[i] = inspect.IDMapRange(r)
	}
	return out
}

func (w *detailsWire) details(ids ids) inspect.Details {
	var d inspect.Details
	if w.UTS != nil {
		d.UTS = &inspect.UTSInfo{Hostname: w.UTS.Hostname, Domainname: w.UTS.Domainname}
	}
	if w.Net != nil {
		d.Net = w.Net.netInfo(ids)
	}
	if w.User != nil {
		d.User = &inspect.UserInfo{UIDMap: idMap(w.User.UIDMap), GIDMap: idMap(w.User.GIDMap), SetGroups: w.User.SetGroups}
	}
	if w.Time != nil {
		d.Time = &inspect.TimeOffsets{Monotonic: time.Duration(w.Time.Monotonic), Boottime: time.Duration(w.Time.Boottime)}
	}
	if w.Cgroup != nil {
		d.Cgroup = &inspect.CgroupInfo{Root: w.Cgroup.Root}
	}
	if w.IPC != nil {
		d.IPC = (*inspect.IPCInfo)(w.IPC)
	}
	if w.Error != nil {
		d.Err = errors.New(*w.Error)
	}
	return d
}

func (w *netWire) netInfo(ids ids) *inspect.NetInfo {
	n := &inspect.NetInfo{}
	if w.Interfaces != nil {
		n.Interfaces = make([]inspect.Interface, len(w.Interfaces))
	}
	for i, ifc := range w.Interfaces {
		n.Interfaces[i] = inspect.Interface{Index: ifc.Index, Name: ifc.Name, Kind: ifc.Kind, State: ifc.State,
			MAC: ifc.MAC, MTU: ifc.MTU, Addrs: ifc.Addrs, Master: ifc.Master}
		if ifc.Peer != nil {
			n.Interfaces[i].Peer = &inspect.PeerRef{Namespace: ids.id(ifc.Peer.NS), Index: ifc.Peer.Index, Name: ifc.Peer.Name}
		}
		if ifc.RxBytes != nil {
			n.Interfaces[i].Stats = &inspect.LinkStats{RxBytes: *ifc.RxBytes, TxBytes: ifc.TxBytes,
				RxPackets: ifc.RxPackets, TxPackets: ifc.TxPackets}
		}
	}
	if w.Routes != nil {
		n.Routes = make([]inspect.Route, len(w.Routes))
	}
	for i, r := range w.Routes {
		n.Routes[i] = inspect.Route(r)
	}
	return n
}
