// Package schema writes and reads nsdive's JSON: the snapshot schema
// nsdive.snapshot/v1 (`nsdive list --json --details`, README.md documents
// it), and the process and mount lists of `nsdive ps -J` and
// `nsdive mounts -J`, which use the same objects. A snapshot read back can
// be opened by the explorer and serves tests and the lab as a fixture.
//
// Rules of this package:
//   - The wire format lives here and only here: inspect's types carry no
//     JSON tags, and each concept's members are written and read in one
//     file (namespace.go, process.go, details.go, mounts.go).
//   - Writing is one pass through internal/jsonw, fast enough for hosts
//     with thousands of processes. Reading goes through encoding/json
//     into wire types that mirror what is written.
//   - A schema changes only by adding members; readers ignore members they
//     do not know. Any other change gets a new schema name.
//   - What a snapshot derives (a namespace's nprocs, pid, user, command,
//     initial, pids and threads; a process's not_initial; a mount's
//     propagation word) is written for readers of the file but not read
//     back: the snapshot rebuilds it, members from the processes' links as
//     a scan does, so a file read back is written again byte for byte.
package schema
