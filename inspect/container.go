package inspect

import (
	"strings"
)

// shortIDLen is how much of a 64-hex container id docker, podman and
// crictl print.
const shortIDLen = 12

// containerMatch is what a cgroup path says about a container.
type containerMatch struct {
	engine string
	id     string // short id, or the name for lxc and nspawn
	// pod is the kubernetes pod uid, dashed, or a podman pod's short id;
	// empty elsewhere.
	pod string
}

// containerFromCgroup guesses the container a process belongs to from its
// cgroup path, or returns nil. It knows the paths that docker, containerd
// (nerdctl, cri), kubernetes, podman, lxc/lxd, systemd-nspawn and nsdive
// demo create with either cgroup driver; a container id is only believed
// under a prefix one of them uses, never for any 64-hex name.
func containerFromCgroup(path string) *Container {
	m, ok := matchContainer(path)
	if !ok {
		return nil
	}
	c := &Container{Engine: m.engine, ID: m.id, Pod: m.pod}
	// The whole id is in the path, where the short one starts; engines
	// that keep names by container look it up by the whole id.
	if len(m.id) == shortIDLen {
		if i := strings.LastIndex(path, m.id); i >= 0 && i+64 <= len(path) && isContainerID(path[i:i+64]) {
			c.fullID = path[i : i+64]
		}
	}
	return c
}

// matchContainer walks the path's components from the root and keeps the
// deepest match, so a container nested in another (docker in docker, pods
// in a kind node) is named for the inner one, while the sub-cgroups a
// container makes below its own (systemd inside it, init.scope) keep
// the container's name.
func matchContainer(path string) (containerMatch, bool) {
	var (
		best, outer   containerMatch
		found, hadOut bool
		parent        string
		kube          bool   // below a kubepods cgroup
		pod           string // uid of the pod the parent component is
		afterNspawn   bool   // parent is an nspawn container's cgroup
	)
	for depth := 0; path != ""; depth++ {
		path = strings.TrimLeft(path, "/")
		comp := path
		if slash := strings.IndexByte(path, '/'); slash >= 0 {
			comp, path = path[:slash], path[slash:]
		} else {
			path = ""
		}
		if comp == "" {
			break
		}
		// systemd-nspawn keeps itself in a "supervisor" cgroup beside the
		// container's "payload": it is not part of the container.
		if afterNspawn && comp == "supervisor" {
			best, found = outer, hadOut
		}
		afterNspawn = false
		if m, ok := matchComponent(comp, parent, depth, pod); ok {
			if m.engine == "nspawn" {
				outer, hadOut, afterNspawn = best, found, true
			}
			best, found = m, true
		}
		kube = kube || strings.Contains(comp, "kubepods")
		pod = ""
		if kube {
			pod = kubePodUID(comp)
		}
		parent = comp
	}
	return best, found
}

// matchComponent matches one cgroup path component, given its parent
// component, its depth (0 at the root) and the pod uid when its parent is a
// kubernetes pod's cgroup.
func matchComponent(comp, parent string, depth int, pod string) (containerMatch, bool) {
	if pod != "" {
		// A pod's container: <id> (cgroupfs driver), or
		// docker-, cri-containerd- or crio-<id>.scope (systemd driver).
		id := strings.TrimSuffix(comp, ".scope")
		for _, prefix := range []string{"docker-", "cri-containerd-", "crio-"} {
			id = strings.TrimPrefix(id, prefix)
		}
		if isContainerID(id) {
			return containerMatch{engine: "kubernetes", id: id[:shortIDLen], pod: pod}, true
		}
		return containerMatch{}, false
	}
	// containerd with systemd_cgroup set but kubelet on cgroupfs leaves
	// the "slice:prefix:id" spec as one literal name.
	if slice, rest, ok := strings.Cut(comp, ":"); ok && strings.Contains(slice, "kubepods") {
		if uid := kubePodUID(slice); uid != "" {
			if _, id, ok := strings.Cut(rest, ":"); ok && isContainerID(id) {
				return containerMatch{engine: "kubernetes", id: id[:shortIDLen], pod: uid}, true
			}
		}
	}
	if parent == "docker" && isContainerID(comp) {
		return containerMatch{engine: "docker", id: comp[:shortIDLen]}, true
	}
	if depth == 1 && parent == "default" && isContainerID(comp) {
		// containerd's cgroupfs default, /<namespace>/<id>, for the
		// "default" namespace that ctr and nerdctl use.
		return containerMatch{engine: "containerd", id: comp[:shortIDLen]}, true
	}
	if id, ok := scopeID(comp, "docker-"); ok {
		return containerMatch{engine: "docker", id: id}, true
	}
	for _, prefix := range []string{"cri-containerd-", "nerdctl-"} {
		if id, ok := scopeID(comp, prefix); ok {
			return containerMatch{engine: "containerd", id: id}, true
		}
	}
	// podman: libpod-<id>.scope (systemd), libpod_parent/libpod-<id>
	// (cgroupfs); libpod-conmon-<id>.scope is its monitor, not the
	// container, and fails the id check.
	if id, ok := strings.CutPrefix(comp, "libpod-"); ok {
		if id = strings.TrimSuffix(id, ".scope"); isContainerID(id) {
			return containerMatch{engine: "podman", id: id[:shortIDLen], pod: podmanPod(parent)}, true
		}
	}
	// lxc and lxd: /lxc/<name> (lxc 2), lxc.payload/<name> (lxc 3),
	// /lxc.payload.<name> (lxc 4 and later); lxc.monitor.<name> holds the
	// monitor, outside the container.
	if name, ok := strings.CutPrefix(comp, "lxc.payload."); ok && name != "" {
		return containerMatch{engine: "lxc", id: name}, true
	}
	if parent == "lxc" || parent == "lxc.payload" {
		return containerMatch{engine: "lxc", id: comp}, true
	}
	// nsdive demo's lab puts each of its containers in
	// /nsdive-lab/<name>, so that they are named as containers are.
	if depth == 1 && parent == "nsdive-lab" {
		return containerMatch{engine: "nsdive-lab", id: comp}, true
	}
	if name, ok := strings.CutPrefix(comp, "systemd-nspawn@"); ok {
		if name, ok = strings.CutSuffix(name, ".service"); ok && name != "" {
			return containerMatch{engine: "nspawn", id: unescapeUnit(name)}, true
		}
	}
	// machined registers nspawn containers as machine-<name>.scope, and
	// libvirt's guests as machine-qemu-... and machine-lxc-..., which are
	// not nspawn and are left alone.
	if parent == "machine.slice" {
		if name, ok := strings.CutPrefix(comp, "machine-"); ok {
			if name, ok = strings.CutSuffix(name, ".scope"); ok && name != "" {
				name = unescapeUnit(name)
				if !strings.HasPrefix(name, "qemu-") && !strings.HasPrefix(name, "lxc-") {
					return containerMatch{engine: "nspawn", id: name}, true
				}
			}
		}
	}
	return containerMatch{}, false
}

// kubePodUID returns the pod uid a kubelet pod cgroup name holds:
// pod<uid> (cgroupfs driver) or kubepods[-qos]-pod<uid>.slice (systemd
// driver, where the uid's dashes become underscores); else "".
func kubePodUID(comp string) string {
	var uid string
	if rest, ok := strings.CutPrefix(comp, "pod"); ok {
		uid = rest
	} else if rest, ok := strings.CutSuffix(comp, ".slice"); ok && strings.Contains(rest, "kubepods") {
		i := strings.LastIndex(rest, "-pod")
		if i < 0 {
			return ""
		}
		uid = strings.ReplaceAll(rest[i+len("-pod"):], "_", "-")
	}
	if uid == "" {
		return ""
	}
	for i := 0; i < len(uid); i++ {
		if !isLowerHex(uid[i]) && uid[i] != '-' {
			return ""
		}
	}
	return uid
}

// podmanPod returns the short id of the podman pod whose cgroup is comp:
// machine-libpod_pod_<id>.slice (systemd), <id> under libpod_parent
// (cgroupfs); else "".
func podmanPod(comp string) string {
	id := comp
	if rest, ok := strings.CutPrefix(comp, "machine-libpod_pod_"); ok {
		id = strings.TrimSuffix(rest, ".slice")
	}
	if !isContainerID(id) {
		return ""
	}
	return id[:shortIDLen]
}

// scopeID returns the short id of a <prefix><64 hex>.scope unit name.
func scopeID(comp, prefix string) (string, bool) {
	id, ok := strings.CutPrefix(comp, prefix)
	if !ok {
		return "", false
	}
	if id, ok = strings.CutSuffix(id, ".scope"); !ok || !isContainerID(id) {
		return "", false
	}
	return id[:shortIDLen], true
}

// isContainerID reports whether s is a full container id: 64 lowercase
// hex digits, as docker, containerd, cri-o and podman make them.
func isContainerID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isLowerHex(s[i]) {
			return false
		}
	}
	return true
}

func isLowerHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f'
}

// unescapeUnit undoes systemd's \xNN escaping in a unit name part
// ("foo\x2dbar" is the machine foo-bar).
func unescapeUnit(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if hi, lo := unhex(s[i+2]), unhex(s[i+3]); hi >= 0 && lo >= 0 {
				b.WriteByte(byte(hi<<4 | lo))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
