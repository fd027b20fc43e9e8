package schema

import (
	"bytes"
	"testing"

	"github.com/nsdive/nsdive/inspect"
)

// TestReadContainers reads a namespace's "containers" with their names and
// pod, and gives a namespace from a file written before "containers"
// existed its one "container".
func TestReadContainers(t *testing.T) {
	_, data := readFixture(t)
	const block = `"container": {
            "engine": "docker",
            "id": "abc123def456",
            "name": ""
         },
         "containers": [
            {
               "engine": "docker",
               "id": "abc123def456",
               "name": ""
            }
         ],`
	if !bytes.Contains(data, []byte(block)) {
		t.Fatal("the fixture's container is not where this test expects it")
	}
	tests := []struct {
		name, block string
		want        []inspect.Container
	}{
		{"before containers", `"container": {"engine": "docker", "id": "abc123def456"},`,
			[]inspect.Container{{Engine: "docker", ID: "abc123def456"}}},
		{"a pod's", `"container": null,
         "containers": [
            {"engine": "podman", "id": "13b7347eff51", "name": "c06e173d738b-infra", "pod": "c06e173d738b"},
            {"engine": "podman", "id": "eeb4a69692ea", "name": "pa", "pod": "c06e173d738b"}
         ],`, []inspect.Container{
			{Engine: "podman", ID: "13b7347eff51", Name: "c06e173d738b-infra", Pod: "c06e173d738b"},
			{Engine: "podman", ID: "eeb4a69692ea", Name: "pa", Pod: "c06e173d738b"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Read(bytes.NewReader(bytes.Replace(data, []byte(block), []byte(tt.block), 1)))
			if err != nil {
				t.Fatal(err)
			}
			ns := doc.Snapshot.Namespaces[inspect.NamespaceID{Dev: 4, Ino: 4026532400}]
			if len(ns.Containers) != len(tt.want) || (ns.Container != nil) != (len(tt.want) == 1) {
				t.Fatalf("read as Container %v, Containers %v; want %v", ns.Container, ns.Containers, tt.want)
			}
			for i, c := range ns.Containers {
				if *c != tt.want[i] {
					t.Errorf("container %d read as %+v, want %+v", i, *c, tt.want[i])
				}
			}
		})
	}
}
