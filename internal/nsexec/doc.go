// Package nsexec runs a command in namespaces that a Go process cannot
// join itself, the way runc's nsexec does.
//
// A Go process is multithreaded from its first instruction, and setns(2)
// refuses a user or time namespace to a multithreaded caller and a mount
// namespace to one that shares its filesystem attributes with another
// thread. So nsdive re-executes itself (/proc/self/exe) and a C
// constructor in this package joins the namespaces in the new process
// before the Go runtime starts, while it has one thread, then execs the
// command; it never returns into Go. Any binary that imports this package
// (nsdive, and the test binaries of the packages that use it) carries the
// constructor.
//
// The constructor joins as nsenter(1) does: every namespace but the user
// namespace first, skipping those the kernel refuses, then the user
// namespace and the ones skipped, in util-linux's order (user, cgroup,
// ipc, uts, net, pid, mnt, time), with unshare(CLONE_FS) before the mount
// namespace. Inside a joined user namespace it drops supplementary groups
// and sets gid and uid 0, unless asked to preserve credentials. When it
// joined a pid namespace it forks, since setns changes only the pid
// namespace of children: the parent waits, stops when the child stops,
// passes on signals that a process (not the terminal) sent it, and exits
// as the child did. It finds the command in PATH as execvp(3) would, in
// the mount namespace it joined, and says on stderr which binary it runs
// when that came from the target's mount namespace
// ("# running /bin/sh (/bin/busybox) from the target's mount namespace",
// with the file a symbolic link leads to), unless quiet.
//
// The protocol, which nothing but nsdive can trigger by accident: the
// request travels in a memfd that nsdive seals against any change
// (F_SEAL_SEAL, SHRINK, GROW, WRITE), starting with a magic string and a
// random 128-bit nonce. The environment variable _NSDIVE_NSEXEC=FD:NONCE
// names it. The constructor acts only when that descriptor is a memfd
// sealed exactly so whose contents start with the magic string and the
// same nonce; it reads it with pread, so a descriptor that is something
// else is never consumed. It removes the variable from the environment in
// every case (and warns when it ignores it), closes the memfd and the
// namespace descriptors, and keeps the error pipe close-on-exec: the
// command inherits none of them. A failure before the command runs is one
// line on the error pipe, which Prepared.Finish returns as an *Error.
//
// Without cgo (CGO_ENABLED=0) the constructor is not built and Command
// fails with ErrNoCgo, which names the rebuild.
package nsexec
