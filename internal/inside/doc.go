// Package inside opens namespaces and runs code inside them, for inspect
// (which reads what is inside a namespace) and actions (which change it).
//
// A namespace is reached through its nsfs file: a /proc/PID/ns link, a
// bind mount such as /run/netns/NAME, an open descriptor of another process
// (/proc/PID/fd/N), or a socket, which belongs to the network namespace it
// was created in (SIOCGSKNS on a copy taken with pidfd_getfd). Way names
// one of them; OpenFirst tries several in turn.
//
// Thread rules, which every caller relies on:
//   - setns(2) moves only the calling thread. Code runs inside a namespace
//     on a fresh goroutine that locks its OS thread and never unlocks it:
//     when the goroutine returns, the Go runtime ends that thread instead
//     of handing it, still in the foreign namespace, to other goroutines.
//     A goroutine started inside runs on another thread, outside.
//   - The main thread is never moved: the runtime parks it for good
//     instead of ending it, and /proc/PID/ns shows its namespaces. A
//     goroutine that lands there keeps it locked while another does the
//     work.
//   - Only uts, ipc, net, cgroup and mount namespaces are joined by a
//     thread of the Go process. A mount namespace only after the thread
//     called unshare(CLONE_FS): the kernel lets a task change mount
//     namespace only when it shares its root and working directory with
//     no other, and Go's threads share theirs; the thread is discarded
//     like any other, so its root and working directory go with it. The
//     kernel refuses user namespaces to a multithreaded process and time
//     namespaces too; joining a pid namespace changes only the namespace
//     of future children. Those are entered by a single-threaded child
//     (nsenter, or a re-executed nsdive: internal/nsexec), never by the
//     Go process itself.
//   - Network queries prefer a netlink handle created inside (NetHandle)
//     and then used from any thread, over running each query inside.
//   - Every descriptor opened here is closed here or handed to the caller,
//     who closes it; tests check that no thread is left in another
//     namespace and no descriptor leaks.
package inside
