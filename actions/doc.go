// Package actions changes the system's namespaces: enter (setns) a
// process's namespaces with a command, unshare into new ones, link two
// network namespaces with a veth pair, persist a namespace in a file and
// release it, change a mount's propagation, set a uts namespace's hostname.
//
// Every change is an Action: a description, the shell commands that would
// do the same (shown before it runs, because people use nsdive to learn),
// and steps that each know how to undo themselves. Run undoes the steps
// already done, in reverse, when a later one fails, so a failure part-way
// leaves nothing behind. The command line and the explorer build the same
// values; neither shells out to ip, unshare or nsenter.
//
// Rules:
//   - No terminal code: callers print descriptions, commands and errors.
//   - Namespaces are opened and joined through internal/inside, whose doc
//     states which namespaces a thread of the Go process may join (uts, ipc,
//     net, cgroup, and mnt after unshare(CLONE_FS)) and which only a
//     single-threaded child may (user, time; pid only for children).
//   - A command runs in other namespaces (Enter) through internal/nsexec:
//     nsdive opens the namespaces, re-executes itself, and a C constructor
//     joins them before the Go runtime starts, single-threaded, as nsenter
//     does (user namespace last for root, credentials set to root inside
//     a joined user namespace, a fork after joining a pid namespace), then
//     execs the command. No thread of nsdive joins anything for it, so
//     none can be left in a foreign namespace; the explorer runs the same
//     *exec.Cmd (Entry.Cmd) with tea.ExecProcess. A binary built with
//     CGO_ENABLED=0 has no constructor, and Enter says to rebuild.
//   - A command runs in new namespaces (Unshare) through internal/child:
//     the kernel makes them as it clones a re-executed nsdive (os/exec's
//     SysProcAttr), which sets them up from inside (propagation, proc,
//     hostname, the time namespace and its offsets) and execs the command;
//     no thread of nsdive unshares anything. This process only bind-mounts
//     the namespaces to persist, from descriptors the child hands over,
//     before the command runs, and takes them back if it cannot run. This
//     needs no cgo. The explorer runs Unshared.Cmd with tea.ExecProcess.
//   - A command found in PATH inside a joined mount namespace is a binary
//     of the target's, chosen by whoever controls the target: nsdive says
//     which it runs ("# running /bin/sh from the target's mount
//     namespace") unless asked to be quiet.
//   - A target (Target) is checked before anything is changed: a pid is
//     matched with its start time before and after each of its namespaces
//     is opened, a file must be an nsfs file of the expected type.
//   - Code that must run inside a namespace (hostname: uts; propagation:
//     mnt) runs through inside.Run on a discarded thread; network changes
//     (veth) go through a netlink handle opened inside (inside.NetHandle),
//     with a peer created directly in its namespace.
//   - An action that creates (a link, a mount, a file) undoes it step by
//     step; a file is created exclusively, never through a symlink, and
//     removed only while it is still the file made.
//   - Errors say what failed and what to do, in one line.
package actions
