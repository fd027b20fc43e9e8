package ui

import "github.com/nsdive/nsdive/inspect"

// explainer is what the `i` page says about one namespace type, for
// people learning how containers are made.
type explainer struct {
	flag     string // the CLONE_NEW* constant's name
	since    string // the kernel release that completed it
	isolates string // what a process inside sees of its own
	notes    string // what surprises people
	files    []string
	try      []string // commands to try, as root unless said
}

// explainers holds one text per namespace type. Kernel versions are the
// releases in which each type became usable (namespaces(7)).
var explainers = map[inspect.Type]explainer{
	inspect.Mnt: {
		flag: "CLONE_NEWNS", since: "Linux 2.4.19 (2002), the first namespace",
		isolates: "The list of mounts: a process sees only the mounts of its mount namespace, so a container can have its own root filesystem, /proc and /tmp.",
		notes:    "A new mount namespace starts as a copy of its creator's mounts. Propagation decides whether later mounts travel between the copies: shared mounts pass events to their peers, slave mounts only receive them, private ones neither. That is why unshare makes mounts private by default.",
		files:    []string{"/proc/PID/ns/mnt", "/proc/PID/mountinfo (mounts with their peer groups)", "/proc/PID/root (the process's root, through its mounts)"},
		try: []string{
			"unshare --mount sh -c 'mount -t tmpfs none /mnt; findmnt /mnt'",
			"findmnt /mnt   # back outside: the tmpfs is not there",
			"nsenter --target PID --mount findmnt",
			"lsns -t mnt",
		},
	},
	inspect.UTS: {
		flag: "CLONE_NEWUTS", since: "Linux 2.6.19 (2006)",
		isolates: "The hostname and the NIS domain name (the \"nodename\" and \"domainname\" of uname): a container can be called web-1 while the host keeps its name.",
		notes:    "UTS stands for UNIX Time-sharing System, after the struct utsname that uname(2) fills in.",
		files:    []string{"/proc/PID/ns/uts", "/proc/sys/kernel/hostname", "/proc/sys/kernel/domainname"},
		try: []string{
			"unshare --uts sh -c 'hostname box; hostname'",
			"hostname   # unchanged outside",
			"nsenter --target PID --uts hostname",
		},
	},
	inspect.IPC: {
		flag: "CLONE_NEWIPC", since: "Linux 2.6.19 (2006)",
		isolates: "System V IPC objects (shared memory segments, semaphore sets, message queues) and POSIX message queues: processes in different IPC namespaces cannot reach each other's.",
		notes:    "Containers get their own so that a database's shared memory is not visible to, or clobbered by, its neighbours. Pods share one between their containers.",
		files:    []string{"/proc/PID/ns/ipc", "/proc/sysvipc/shm, sem, msg", "/proc/sys/kernel/shmmax and the other limits, per namespace"},
		try: []string{
			"ipcmk --shmem 4096; ipcs -m",
			"unshare --ipc ipcs -m   # empty inside",
			"nsenter --target PID --ipc ipcs",
		},
	},
	inspect.PID: {
		flag: "CLONE_NEWPID", since: "Linux 2.6.24 (2008)",
		isolates: "Process ids: the first process in a new pid namespace is pid 1 there, its init, and sees only its descendants.",
		notes:    "Pid namespaces nest: a process has a pid in its own namespace and in every ancestor (the NSpid line of /proc/PID/status lists them, outermost first). When the init of a pid namespace exits, the kernel kills every other process in it. unshare(CLONE_NEWPID) does not move the caller: its next child becomes pid 1 (pid_for_children), hence unshare --fork.",
		files:    []string{"/proc/PID/ns/pid", "/proc/PID/ns/pid_for_children", "/proc/PID/status (NSpid)"},
		try: []string{
			"unshare --pid --fork --mount-proc sh -c 'echo $$; ps ax'",
			"grep NSpid /proc/PID/status",
			"nsenter --target PID --pid --mount ps ax",
			"lsns -t pid --tree=parent",
		},
	},
	inspect.Net: {
		flag: "CLONE_NEWNET", since: "Linux 2.6.29 (2009), begun in 2.6.24",
		isolates: "The network stack: interfaces, addresses, routes, firewall rules, sockets and ports, /proc/net and /sys/class/net. A new one has only a loopback interface, down.",
		notes:    "A veth pair is a cable with one end in each namespace: that is how a container reaches a bridge such as docker0 on the host. A network namespace can outlive its processes when something holds it, like ip netns's bind mount under /run/netns.",
		files:    []string{"/proc/PID/ns/net", "/proc/PID/net/ (dev, route, tcp, ...)", "/run/netns/NAME (ip netns's bind mounts)"},
		try: []string{
			"ip netns add blue && ip -n blue link",
			"ip link add v-host type veth peer name v-blue netns blue",
			"ip netns exec blue ip addr",
			"nsenter --net=/run/netns/blue ip route",
			"lsns -t net",
		},
	},
	inspect.User: {
		flag: "CLONE_NEWUSER", since: "Linux 3.8 (2013), begun in 2.6.23",
		isolates: "User and group ids and capabilities: uid 0 inside can be an ordinary user outside, with root's powers only over what its namespace owns.",
		notes:    "Every other namespace is owned by a user namespace, which decides who may act on it. uid_map and gid_map translate ids between a namespace and its parent; until they are written, unmapped ids show as 65534 (nobody). It is the only namespace an unprivileged user may create on its own; inside it that user holds the capabilities to create the others, which is how rootless containers work.",
		files:    []string{"/proc/PID/ns/user", "/proc/PID/uid_map, gid_map", "/proc/PID/setgroups"},
		try: []string{
			"unshare --user --map-root-user id   # works without sudo",
			"unshare --user --map-root-user cat /proc/self/uid_map",
			"lsns -t user --tree=owner",
		},
	},
	inspect.Cgroup: {
		flag: "CLONE_NEWCGROUP", since: "Linux 4.6 (2016)",
		isolates: "The view of the cgroup tree: /proc/PID/cgroup and cgroupfs show paths from the namespace's root, so a container sees itself at / and not the host's layout.",
		notes:    "It hides the host's cgroup paths; the limits themselves come from the cgroups, not from the namespace.",
		files:    []string{"/proc/PID/ns/cgroup", "/proc/PID/cgroup"},
		try: []string{
			"cat /proc/self/cgroup",
			"unshare --cgroup cat /proc/self/cgroup   # 0::/",
			"nsenter --target PID --cgroup cat /proc/self/cgroup",
		},
	},
	inspect.Time: {
		flag: "CLONE_NEWTIME", since: "Linux 5.6 (2020)",
		isolates: "Offsets for the monotonic and boot-time clocks (CLOCK_MONOTONIC, CLOCK_BOOTTIME): a container migrated to another host can keep its uptime. The wall clock (CLOCK_REALTIME) is not namespaced.",
		notes:    "Like pid namespaces, unshare(CLONE_NEWTIME) does not move the caller: its children join (time_for_children). The offsets are written to timens_offsets before the first process enters.",
		files:    []string{"/proc/PID/ns/time", "/proc/PID/ns/time_for_children", "/proc/PID/timens_offsets"},
		try: []string{
			"unshare --time --fork --boottime 86400 uptime   # a day more",
			"uptime",
			"nsenter --target PID --time cat /proc/uptime",
		},
	},
}
