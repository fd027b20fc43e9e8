// Package inspect discovers a host's namespaces without changing anything.
//
// It reads /proc (the root is a parameter, so tests can point it at a
// fixture tree) and the kernel's namespace ioctls, and builds a Snapshot:
// every process with its namespace set, every namespace with the processes,
// bind mounts and file descriptors that hold it, the user and pid
// hierarchies, mount tables with their propagation, and what can be seen
// inside each namespace (hostname, interfaces, id maps, time offsets).
//
// Rules of this package:
//   - Read and parse are separate: parsers take bytes, never open files, and
//     are tested on captured files under testdata/.
//   - A moving system is normal: a process that exits mid-scan is skipped, a
//     permission error leaves a field unknown and is counted, never fatal.
//   - Whatever must be read from inside a namespace is read through
//     internal/inside, whose doc states the thread rules: a thread that
//     joined another namespace is thrown away, never the main thread, and
//     mount and user namespaces are never joined.
//   - A snapshot is not changed once Scan returns, so that a long-running
//     program can show one while it takes the next: Fill,
//     RefreshProcess and RefreshNamespace return new values, and Diff
//     compares two snapshots. Scan stops when its context is cancelled.
//   - A Rescanner scans again and again, taking from its last scan only
//     what the kernel guarantees unchanged (reuse.go); its snapshots
//     equal those of Scan, with Process values of their own.
//   - What was not read is marked so, never left as a zero that looks
//     read: Process.Read, Snapshot.Parts and Snapshot.DetailTypes.
//   - Every list is in a fixed order: processes by pid, holders by
//     compareHolders, namespaces and processes through SortedNamespaces
//     and SortedProcesses.
//   - A process is identified by its pid and start time (ProcessKey). A
//     lazy scan, for a one-shot command, leaves the start time to Fill; a
//     long-running program scans without Options.Lazy, one stat file more
//     per process, and gets complete keys for every process.
//   - Namespaces are found through sources (source.go), one per way a
//     namespace can be seen: process links, bind mounts, descriptors and
//     sockets. A new way (the kernel's listns() on Linux 6.19+) is one more
//     source, not another pass bolted onto Scan.
//   - No terminal code: the CLI and the explorer format what this returns.
package inspect
