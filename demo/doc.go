// Package demo builds the lab of `nsdive demo`: the classic namespace
// demonstrations on this host, made with nsdive's own actions (veth,
// persist, propagation, hostname) so that the lab exercises the code a
// user's keys run, and taken down without a trace.
//
// The lab (Plan lists it as data): three containers, lab-web, lab-db and
// lab-cache, each the re-executed nsdive of `nsdive unshare`
// (internal/child) staying as pid 1 of its own pid namespace, which reaps
// children until SIGTERM, in eight namespaces of its own (user with root
// mapped to an unprivileged range, mount with every mount private but the
// propagation tmpfs, uts, ipc with one System V message queue, net, pid with its own /proc, cgroup
// under the nsdive-lab cgroup, time with a monotonic offset); the lab-net
// network namespace (/run/netns/lab-net) with the bridge lab-br, a veth
// pair from each container to it with an address in 10.99.0.0/24; the
// lab-empty network namespace, persisted with no process in it; a keeper
// process that holds a uts namespace by a descriptor only and shares the
// host's peer group of the propagation tmpfs at /run/nsdive-lab/prop,
// which the containers see as shared, private and unbindable.
//
// Rules:
//   - Up records each object in the state file (/run/nsdive-lab/state.json)
//     before it makes it, so Down removes exactly what Up made, even after
//     an Up killed half-way or containers killed by hand; an Up that fails
//     or is interrupted takes down what it made before it returns.
//   - One lab at a time: Up, Down and Status hold an exclusive flock on
//     LockFile while they run, and Up refuses when a lab-* object exists
//     that the state file does not list.
//   - Nothing outside the lab is touched: every object is named lab-* or
//     lives under /run/nsdive-lab, /run/netns/lab-* or the nsdive-lab
//     cgroup; addresses are checked against the host's routes first.
package demo
