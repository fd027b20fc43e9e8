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
//   - No terminal code: the CLI and the explorer format what this returns.
package inspect
