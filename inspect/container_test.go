package inspect

import (
	"strings"
	"testing"
)

func TestContainerFromCgroup(t *testing.T) {
	const (
		id     = "4f797c539e6c745de61a93ca3ff892358ecbcaccd8414d5db545c38428142970"
		short  = "4f797c539e6c"
		id2    = "d7dfb4a21fe1703a8537e60d5af248af729315d187b24a538102d14874c8117d"
		short2 = "d7dfb4a21fe1"
		podUID = "1e597579-417e-482f-bf65-5fe170c3aebd"
		podSys = "1e597579_417e_482f_bf65_5fe170c3aebd"
	)
	tests := []struct {
		name, path string
		want       *containerMatch
	}{
		// docker
		{"docker cgroupfs", "/docker/" + id, &containerMatch{engine: "docker", id: short}},
		{"docker systemd", "/system.slice/docker-" + id + ".scope", &containerMatch{engine: "docker", id: short}},
		{"docker rootless", "/user.slice/user-1000.slice/user@1000.service/user.slice/docker-" + id + ".scope", &containerMatch{engine: "docker", id: short}},
		{"docker sub-cgroup", "/system.slice/docker-" + id + ".scope/init.scope", &containerMatch{engine: "docker", id: short}},
		{"docker in docker", "/docker/" + id + "/docker/" + id2, &containerMatch{engine: "docker", id: short2}},
		// containerd
		{"cri-containerd", "/system.slice/cri-containerd-" + id + ".scope", &containerMatch{engine: "containerd", id: short}},
		{"nerdctl systemd", "/system.slice/nerdctl-" + id + ".scope", &containerMatch{engine: "containerd", id: short}},
		{"containerd cgroupfs", "/default/" + id, &containerMatch{engine: "containerd", id: short}},
		// kubernetes
		{"kube systemd containerd",
			"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + podSys + ".slice/cri-containerd-" + id + ".scope",
			&containerMatch{engine: "kubernetes", id: short, pod: podUID}},
		{"kube systemd guaranteed crio",
			"/kubepods.slice/kubepods-pod" + podSys + ".slice/crio-" + id + ".scope",
			&containerMatch{engine: "kubernetes", id: short, pod: podUID}},
		{"kube systemd dockershim",
			"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + podSys + ".slice/docker-" + id + ".scope",
			&containerMatch{engine: "kubernetes", id: short, pod: podUID}},
		{"kube cgroupfs besteffort", "/kubepods/besteffort/pod" + podUID + "/" + id,
			&containerMatch{engine: "kubernetes", id: short, pod: podUID}},
		{"kube cgroupfs guaranteed", "/kubepods/pod" + podUID + "/" + id,
			&containerMatch{engine: "kubernetes", id: short, pod: podUID}},
		{"kube cgroupfs crio", "/kubepods/burstable/pod" + podUID + "/crio-" + id,
			&containerMatch{engine: "kubernetes", id: short, pod: podUID}},
		// static pods have a config hash for uid
		{"kube static pod", "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8daa50c3a64c9ff60bb9eab7b44b56fd.slice/cri-containerd-" + id + ".scope",
			&containerMatch{engine: "kubernetes", id: short, pod: "8daa50c3a64c9ff60bb9eab7b44b56fd"}},
		{"kind node", "/docker/" + id2 + "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod" + podSys + ".slice/cri-containerd-" + id + ".scope",
			&containerMatch{engine: "kubernetes", id: short, pod: podUID}},
		{"kube containerd misconfigured", "/system.slice/containerd.service/kubepods-besteffort-pod" + podSys + ".slice:cri-containerd:" + id,
			&containerMatch{engine: "kubernetes", id: short, pod: podUID}},
		{"kube pod only", "/kubepods/besteffort/pod" + podUID, nil},
		{"kube conmon", "/kubepods.slice/kubepods-pod" + podSys + ".slice/crio-conmon-" + id + ".scope", nil},
		{"kube qos only", "/kubepods.slice/kubepods-burstable.slice", nil},
		// podman
		{"podman systemd", "/machine.slice/libpod-" + id + ".scope", &containerMatch{engine: "podman", id: short}},
		{"podman rootless", "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + id + ".scope", &containerMatch{engine: "podman", id: short}},
		{"podman systemd inside", "/machine.slice/libpod-" + id + ".scope/container", &containerMatch{engine: "podman", id: short}},
		{"podman pod", "/machine.slice/machine-libpod_pod_" + id2 + ".slice/libpod-" + id + ".scope", &containerMatch{engine: "podman", id: short, pod: short2}},
		{"podman pod cgroupfs", "/libpod_parent/" + id2 + "/libpod-" + id, &containerMatch{engine: "podman", id: short, pod: short2}},
		{"podman cgroupfs", "/libpod_parent/libpod-" + id, &containerMatch{engine: "podman", id: short}},
		{"podman conmon", "/machine.slice/libpod-conmon-" + id + ".scope", nil},
		// lxc and lxd
		{"lxc 2", "/lxc/web", &containerMatch{engine: "lxc", id: "web"}},
		// nsdive demo's lab
		{"nsdive lab", "/nsdive-lab/lab-web", &containerMatch{engine: "nsdive-lab", id: "lab-web"}},
		{"nsdive lab parent", "/nsdive-lab", nil},
		{"nsdive-lab below the root", "/user.slice/nsdive-lab/lab-web", nil},
		{"lxc 3", "/lxc.payload/web", &containerMatch{engine: "lxc", id: "web"}},
		{"lxc 4", "/lxc.payload.web", &containerMatch{engine: "lxc", id: "web"}},
		{"lxc systemd inside", "/lxc.payload.web/system.slice/nginx.service", &containerMatch{engine: "lxc", id: "web"}},
		{"lxc monitor", "/lxc.monitor.web", nil},
		{"lxc empty name", "/lxc.payload.", nil},
		{"docker in lxc", "/lxc.payload.web/system.slice/docker-" + id + ".scope", &containerMatch{engine: "docker", id: short}},
		// systemd-nspawn
		{"nspawn unit", "/machine.slice/systemd-nspawn@debian.service", &containerMatch{engine: "nspawn", id: "debian"}},
		{"nspawn payload", "/machine.slice/systemd-nspawn@debian.service/payload/init.scope", &containerMatch{engine: "nspawn", id: "debian"}},
		{"nspawn supervisor", "/machine.slice/systemd-nspawn@debian.service/supervisor", nil},
		{"nspawn escaped", `/machine.slice/systemd-nspawn@my\x2dbox.service`, &containerMatch{engine: "nspawn", id: "my-box"}},
		{"nspawn scope", `/machine.slice/machine-my\x2dbox.scope`, &containerMatch{engine: "nspawn", id: "my-box"}},
		{"libvirt qemu", `/machine.slice/machine-qemu\x2d1\x2dvm.scope`, nil},
		{"libvirt lxc", `/machine.slice/machine-lxc\x2d4242\x2dbox.scope`, nil},
		{"supervisor of docker in nspawn", "/machine.slice/systemd-nspawn@debian.service/payload/system.slice/docker-" + id + ".scope/supervisor",
			&containerMatch{engine: "docker", id: short}},
		// not containers
		{"root", "/", nil},
		{"empty", "", nil},
		{"init", "/init.scope", nil},
		{"session", "/user.slice/user-1000.slice/session-3.scope", nil},
		{"service", "/system.slice/docker.service", nil},
		{"bare id", "/" + id, nil},
		{"id under user.slice", "/user.slice/" + id, nil},
		{"id scope elsewhere", "/system.slice/" + id + ".scope", nil},
		{"id under nested default", "/system.slice/default/" + id, nil},
		{"short hex", "/docker/" + short, nil},
		{"uppercase hex", "/docker/" + strings.ToUpper(id), nil},
		{"32 hex", "/process_api/3118fec4846583209c83d035f5942e29", nil},
		{"pod outside kubepods", "/pod" + podUID + "/" + id, nil},
		{"cgroup ns view", "/..", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := matchContainer(tt.path)
			if tt.want == nil {
				if ok {
					t.Errorf("matchContainer(%q) = %+v, want no match", tt.path, got)
				}
				if c := containerFromCgroup(tt.path); c != nil {
					t.Errorf("containerFromCgroup(%q) = %+v, want nil", tt.path, c)
				}
				return
			}
			if !ok || got != *tt.want {
				t.Errorf("matchContainer(%q) = %+v, %v; want %+v", tt.path, got, ok, *tt.want)
			}
			c := containerFromCgroup(tt.path)
			if c == nil || c.Engine != tt.want.engine || c.ID != tt.want.id || c.Pod != tt.want.pod {
				t.Fatalf("containerFromCgroup(%q) = %+v", tt.path, c)
			}
			if len(c.ID) == shortIDLen && (len(c.fullID) != 64 || !strings.HasPrefix(c.fullID, c.ID)) {
				t.Errorf("containerFromCgroup(%q) has whole id %q for %q", tt.path, c.fullID, c.ID)
			}
		})
	}
}

func BenchmarkContainerFromCgroup(b *testing.B) {
	const path = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1e597579_417e_482f_bf65_5fe170c3aebd.slice/cri-containerd-d7dfb4a21fe1703a8537e60d5af248af729315d187b24a538102d14874c8117d.scope"
	b.ReportAllocs()
	for b.Loop() {
		if containerFromCgroup(path) == nil {
			b.Fatal("no match")
		}
	}
}
