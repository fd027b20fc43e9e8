package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// writeVersion prints nsdive's version, as `lsns -V` prints util-linux's.
func writeVersion(w io.Writer) error {
	info, _ := debug.ReadBuildInfo()
	_, err := fmt.Fprintf(w, "nsdive %s\n", versionOf(info))
	return err
}

// versionOf is the module version the go command stamped into the binary
// (a release tag, or a pseudo-version for a build from a git checkout);
// for a build without one, "devel" with the commit when it is known.
func versionOf(info *debug.BuildInfo) string {
	if info == nil {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if revision == "" {
		return "devel"
	}
	if len(revision) > 12 {
		revision = revision[:12]
	}
	if modified == "true" {
		revision += "+dirty"
	}
	return "devel-" + revision
}

// runVersion is `nsdive --version`, `nsdive -V` and `nsdive version`.
func runVersion(args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("--version takes no arguments")}
	}
	return writeVersion(stdout)
}
