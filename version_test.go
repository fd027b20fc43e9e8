package main

import (
	"runtime/debug"
	"testing"
)

func TestVersionOf(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	for _, tt := range []struct {
		info *debug.BuildInfo
		want string
	}{
		{nil, "devel"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261123183000-0190fd4ab12c+dirty"}}, "v0.0.0-20261123183000-0190fd4ab12c+dirty"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("0190fd4ab12c9a5e7f0e6d3c2b1a09f8e7d6c5b4", "false")}, "devel-0190fd4ab12c"},
		{&debug.BuildInfo{Main: debug.Module{Version: ""}, Settings: vcs("0190fd4ab12c9a5e7f0e6d3c2b1a09f8e7d6c5b4", "true")}, "devel-0190fd4ab12c+dirty"},
	} {
		if got := versionOf(tt.info); got != tt.want {
			t.Errorf("versionOf(%+v) = %q, want %q", tt.info, got, tt.want)
		}
	}
}
