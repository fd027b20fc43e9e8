# load.sh, sourced by the benchmark scripts, starts and stops the load
# they measure under: N sleep processes, a tenth of them in new namespaces
# (each `unshare --net --uts --ipc --mount --fork sleep` is two processes,
# unshare and its sleep, both in the new namespaces), the rest plain
# `sleep`, from a spawning shell per CHUNK of them.
#
# The sourcing script sets tmp (a directory for the spawning shell), CHUNK,
# SLEEP_FOR (seconds, longer than any run) and die, and calls
# stop_processes when it exits, however it exits.
spawner=0 # pid and process group of the current spawner; 0 when none

# stop_processes SIGKILLs everything the current spawner started and checks
# that nothing of it remains. The sleeps go first, so that each unshare
# reaps its child and dies of the same signal, and the spawner, waiting for
# its children, reaps the rest and exits: pid 1 here may be slow to reap
# orphans, and a zombie in /proc would skew the next measurement.
stop_processes() {
	((spawner)) || return 0
	local pg=$spawner pids left i
	spawner=0
	pids=$(pgrep -g "$pg" -x sleep | tr '\n' ' ' || true)
	# shellcheck disable=SC2086 # a list of pids
	[[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		pgrep -g "$pg" >/dev/null || break
		sleep 0.1
	done
	if pgrep -g "$pg" >/dev/null; then
		# Something was not a sleep yet, or an unshare lost its child:
		# kill the whole group; orphans are then pid 1's to reap.
		kill -KILL -- "-$pg" 2>/dev/null || true
		for ((i = 0; i < 300; i++)); do
			left=$(pgrep -g "$pg" | wc -l)
			((left)) || break
			sleep 0.1
		done
	fi
	wait "$pg" 2>/dev/null || true
	left=$(pgrep -g "$pg" | wc -l || true)
	if ((left)); then
		echo "load: $left processes of group $pg remain after SIGKILL (zombies not yet reaped?):" >&2
		pgrep -a -g "$pg" | head >&2 || true
		return 1
	fi
}

count_procs() {
	local all=(/proc/[0-9]*)
	echo "${#all[@]}"
}

# check_limits fails early when N more processes would hit a limit.
check_limits() {
	local n=$1 units=$2 now limit file cg
	now=$(count_procs)
	for file in /proc/sys/kernel/pid_max /proc/sys/kernel/threads-max; do
		limit=$(<"$file")
		((now + n + 100 < limit)) || die "$n more processes (on top of $now) would hit $file ($limit)"
	done
	# Root is not held to RLIMIT_NPROC, but say so if it would bite others.
	cg=$(awk -F: '$2 == "pids" || $2 == "" {print $3; exit}' /proc/self/cgroup)
	for file in "/sys/fs/cgroup/pids$cg/pids.max" "/sys/fs/cgroup$cg/pids.max"; do
		[[ -r $file ]] || continue
		limit=$(<"$file")
		[[ $limit == max ]] || ((now + n + 100 < limit)) || die "$n more processes would hit $file ($limit)"
	done
	for file in /proc/sys/user/max_{net,mnt,ipc,uts}_namespaces; do
		[[ -r $file ]] || continue
		limit=$(<"$file")
		((units + 100 < limit)) || die "$units new namespaces of a type would hit $file ($limit)"
	done
}

# The spawning shell: spawn UNITS PLAIN CHUNK SECONDS starts UNITS unshares
# and PLAIN sleeps, from shells of CHUNK processes each, and waits for them.
cat >"$tmp/spawn" <<'EOF'
units=$1 plain=$2 chunk=$3 seconds=$4
spawn() { # spawn UNITS PLAIN
	local i
	for ((i = 0; i < $1; i++)); do
		unshare --net --uts --ipc --mount --fork --kill-child sleep "$seconds" &
	done
	for ((i = 0; i < $2; i++)); do
		sleep "$seconds" &
	done
	wait
}
while ((units + plain > 0)); do
	u=$((units < chunk / 2 ? units : chunk / 2))
	p=$((plain < chunk - 2 * u ? plain : chunk - 2 * u))
	spawn "$u" "$p" &
	units=$((units - u)) plain=$((plain - p))
done
wait
EOF

# start_processes starts n processes in a new process group and waits
# until every one has become a sleep. Fork and exec cost milliseconds on a
# small VM, so shells of CHUNK processes each start them side by side (one
# shell with thousands of jobs also slows down as its job table grows).
start_processes() {
	local n=$1 units plain i up
	units=$((n / 20)) # unshare + sleep each: a tenth of n
	plain=$((n - 2 * units))
	check_limits "$n" "$units"
	setsid bash "$tmp/spawn" "$units" "$plain" "$CHUNK" "$SLEEP_FOR" </dev/null >/dev/null 2>&1 &
	spawner=$!
	for ((i = 0; i < 1800; i++)); do
		up=$(pgrep -c -g "$spawner" -x sleep || true)
		((up < plain + units)) || return 0
		sleep 0.1
	done
	die "only $up of $((plain + units)) sleeps came up in 180 s"
}
