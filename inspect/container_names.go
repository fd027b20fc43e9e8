package inspect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// defaultDockerRoot is where dockerd keeps its state without --data-root.
const defaultDockerRoot = "/var/lib/docker"

// nameContainers fills in the names of the docker and podman containers
// found in snap, from what their engines keep in files and command lines,
// without a round trip to a daemon:
//   - podman runs a monitor, conmon, for each container, and its command
//     line carries the container's id (-c) and name (-n);
//   - dockerd keeps each container's name in
//     DATA-ROOT/containers/ID/config.v2.json, DATA-ROOT being its
//     --data-root (/var/lib/docker by default), read through
//     /proc/PID/root of each running dockerd so a daemon in another mount
//     namespace is found too.
//
// It reads the command name of every process only when such a container
// exists (a lazy scan did not read them), and the files only as a user
// allowed to read them (root); a name that cannot be read stays empty.
func nameContainers(snap *Snapshot) {
	want := make(map[string][]*Container) // whole id -> the processes' copies
	for _, p := range snap.Processes {
		if c := p.Container; c != nil && c.fullID != "" && (c.Engine == "docker" || c.Engine == "podman") {
			want[c.fullID] = append(want[c.fullID], c)
		}
	}
	if len(want) == 0 {
		return
	}
	names := make(map[string]string)
	var dockerRoots []string
	for _, p := range snap.engineProcesses() {
		switch p.Comm {
		case "conmon":
			if id, name := conmonContainer(snap.cmdlineOf(p)); id != "" && name != "" {
				names[id] = name
			}
		case "dockerd":
			root := dockerDataRoot(snap.cmdlineOf(p))
			dockerRoots = append(dockerRoots, path.Join(snap.ProcRoot, strconv.Itoa(p.PID), "root", root))
		}
	}
	slices.Sort(dockerRoots)
	for id, cs := range want {
		name, ok := names[id]
		if !ok && cs[0].Engine == "docker" {
			for _, root := range dockerRoots {
				if n, err := readParsed(path.Join(root, "containers", id, "config.v2.json"), parseDockerConfigName); err == nil {
					name = n
					break
				}
			}
		}
		for _, c := range cs {
			c.Name = name
		}
	}
}

// engineProcesses returns the conmon and dockerd processes, as copies
// whose Comm is set: it reads the command name of every process the scan
// read lazily, in parallel, one descriptor at a time.
func (s *Snapshot) engineProcesses() []*Process {
	procs := make([]*Process, 0, len(s.Processes))
	for _, p := range s.Processes {
		if !p.IsThread() {
			procs = append(procs, p)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	found := make([][]*Process, workers)
	bufs := make([][]byte, workers)
	parallel(len(procs), workers, func(worker, i int) {
		p := procs[i]
		comm := p.Comm
		if !p.Has(FieldStat) {
			if bufs[worker] == nil {
				bufs[worker] = make([]byte, 64)
			}
			comm = readComm(s.ProcRoot, p.PID, bufs[worker])
		}
		if comm == "conmon" || comm == "dockerd" {
			engine := *p
			engine.Comm = comm
			found[worker] = append(found[worker], &engine)
		}
	})
	return slices.Concat(found...)
}

// readComm returns a process's command name from /proc/PID/comm, or ""
// when it cannot be read or is not an engine's: only "conmon" and
// "dockerd" are returned, without a string made for every other process.
func readComm(procRoot string, pid int, buf []byte) string {
	fd, err := unix.Open(procRoot+"/"+strconv.Itoa(pid)+"/comm", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return ""
	}
	defer unix.Close(fd)
	n, err := unix.Read(fd, buf)
	if err != nil || n == 0 {
		return ""
	}
	name := bytes.TrimSuffix(buf[:n], []byte("\n"))
	for _, engine := range [...]string{"conmon", "dockerd"} {
		if string(name) == engine {
			return engine
		}
	}
	return ""
}

// cmdlineOf returns a process's arguments, reading them when the scan did
// not.
func (s *Snapshot) cmdlineOf(p *Process) []string {
	if p.Has(FieldCmdline) {
		return p.Cmdline
	}
	data, err := os.ReadFile(taskPath(s.ProcRoot, p, "cmdline"))
	if err != nil {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
}

// conmonContainer returns the container id and name in conmon's
// arguments (-c/--cid ID, -n/--name NAME, either also as --opt=value).
func conmonContainer(args []string) (id, name string) {
	for i := 1; i < len(args); i++ {
		opt, value, inline := strings.Cut(args[i], "=")
		if !inline {
			if i+1 >= len(args) {
				break
			}
			value = args[i+1]
		}
		switch opt {
		case "-c", "--cid":
			id = value
		case "-n", "--name":
			name = value
		default:
			continue
		}
		if !inline {
			i++
		}
	}
	if !isContainerID(id) {
		return "", ""
	}
	return id, name
}

// dockerDataRoot returns the data root in dockerd's arguments
// (--data-root DIR, or the older -g/--graph DIR), or the default.
func dockerDataRoot(args []string) string {
	root := defaultDockerRoot
	for i := 1; i < len(args); i++ {
		opt, value, inline := strings.Cut(args[i], "=")
		if opt != "--data-root" && opt != "--graph" && opt != "-g" {
			continue
		}
		if !inline {
			if i+1 >= len(args) {
				break
			}
			i++
			value = args[i]
		}
		if strings.HasPrefix(value, "/") {
			root = value
		}
	}
	return root
}

// parseDockerConfigName returns the container name in docker's
// config.v2.json, without the leading slash docker stores.
func parseDockerConfigName(data []byte) (string, error) {
	var config struct{ Name string }
	if err := json.Unmarshal(data, &config); err != nil {
		return "", fmt.Errorf("parse docker container config: %w", err)
	}
	name := strings.TrimPrefix(config.Name, "/")
	if name == "" {
		return "", fmt.Errorf("docker container config has no name")
	}
	return name, nil
}
