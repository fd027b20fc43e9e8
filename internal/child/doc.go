// Package child starts a command in new namespaces, as unshare(1) does,
// through a re-executed nsdive: the child.
//
// A Go process is multithreaded, so it cannot unshare a user namespace
// for itself, and whatever it unshares on one thread the others do not
// share. os/exec's SysProcAttr creates the namespaces instead in the
// single-threaded child between fork and exec (Cloneflags, Unshareflags,
// uid and gid maps). What has to happen inside before the command runs is
// done by the child, nsdive re-executed (/proc/self/exe), which is already
// in its namespaces and so joins nothing: the time namespace and its
// offsets, the root's propagation, a fresh proc, the hostname. Then it
// hands the parent a descriptor of each new namespace the parent asked
// for (the parent bind-mounts them in its own mount namespace, which the
// child may have left), waits for the word to go, and execs the command,
// or, with no command, stays as a tiny init that reaps orphans and exits
// on SIGTERM (the lab's containers).
//
// Kernel facts this relies on (checked on Linux 6.18):
//   - A time namespace's offsets can be written only before a process is
//     in it; unshare(CLONE_NEWTIME) changes only time_for_children, and
//     execve, like fork, moves the caller into it. So the child unshares
//     it on the main thread (the thread group leader that
//     /proc/self/timens_offsets names), writes the offsets there, and the
//     exec that follows enters it, with the offsets fixed.
//   - unshare(CLONE_NEWPID) changes only pid_for_children: the first
//     process forked after it is pid 1. util-linux's unshare --pid without
//     --fork leaves the command outside, its children inside; so does the
//     child (Unshareflags). With Fork the child is cloned into the new pid
//     namespace (Cloneflags) and execs the command, which is pid 1 there,
//     while the parent waits outside, as unshare --fork's parent does.
//   - proc shows the pid namespace of the process that mounts it, so a
//     fresh /proc is mounted by the child after it is where the command
//     will be.
//   - os/exec makes / private (MS_REC|MS_PRIVATE) when Unshareflags has
//     CLONE_NEWNS, so the mount namespace is a Cloneflag and the child
//     applies the propagation asked for, or none.
//   - clone3 copies the cgroup namespace before CLONE_INTO_CGROUP moves
//     the child, so with Config.CgroupFD the child makes its cgroup
//     namespace itself, and its root is the child's own cgroup.
//   - A process that execs into a user namespace where it has no mapped
//     uid 0 loses its capabilities there; the child is given them as
//     ambient capabilities for its setup and drops them before the exec.
//
// The hidden entry cannot be triggered by accident: it needs the argument
// ArgChild, the variable _NSDIVE_CHILD=FD:NONCE, and at FD a memfd sealed
// against any change whose contents start with a magic string and that
// nonce (the parent makes it; nothing else has a copy). Without all
// three, a binary given ArgChild says so and exits 1. The command
// inherits neither the variable nor a descriptor of the protocol.
package child
