// Package sandbox holds the mechanics of building namespaces on a live
// host and taking them down again, for the tests' fixtures (internal/nstest)
// and for the lab (`nsdive demo`), which builds a sandbox with nsdive's own
// actions and must leave the host as it found it.
//
// Its rules:
//   - Whatever one run makes is named for it: an Owner's Name starts every
//     namespace file, link and mount it creates, and its Marker is in the
//     environment of every process it starts, so Leftovers finds what
//     outlived it and nothing of anyone else's.
//   - A process is started in a process group of its own and ended with
//     SIGKILL to the whole group (unshare --fork ignores SIGTERM, and a pid
//     namespace's init ignores the signals it has no handler for), then
//     reaped; Kill returns only once no member of the group runs.
//   - Undo steps go on a Stack as each build step succeeds, and run last
//     first, every one even when one fails.
//   - Nothing here fails a test or exits: errors are returned, wrapped with
//     what was being done. It imports no testing, and it runs no ip,
//     unshare or nsenter: builders that need those live in internal/nstest.
package sandbox
