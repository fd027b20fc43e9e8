#!/usr/bin/env bash
# explorer-cpu.sh measures the explorer left open on the live host: the
# real binary runs in tmux with the default 2 s interval for SECONDS
# seconds, on the host as it is and with N extra processes, for each N
# given, and it prints the CPU it used (% of one core, from utime+stime in
# /proc/PID/stat over the window, after a warm-up) and its peak RSS
# (VmHWM in /proc/PID/status).
#
# Usage: bench/explorer-cpu.sh [--interval DURATION] [N...]
#        (default: 0 10000, 0 being the host as it is)
#
# The extra processes are those of compare-lsns.sh (bench/load.sh): a
# tenth of them in new namespaces, the rest plain sleeps; every process it
# starts is SIGKILLed when it exits, however it exits. Knobs, from the
# environment: SECONDS_OPEN (60), WARMUP (6 s: the first scans, the heap
# growing to its size), CHUNK (500), CGO_ENABLED (0, as nsdive ships).
# Targets (README, issue 8): under 2% of a core at ~100 processes, under
# 15% at 10,000, peak RSS under 64 MiB. It needs root, go, tmux, unshare,
# setsid and pgrep. Nothing here fails on a missed target: it is a
# measurement, not a test.
set -euo pipefail

OPEN=${SECONDS_OPEN:-60}
WARMUP=${WARMUP:-6}
CHUNK=${CHUNK:-500}
SLEEP_FOR=100000
SESSION=nsdive-explorer-cpu-$$

die() {
	echo "explorer-cpu: $*" >&2
	exit 1
}

interval=2s
counts=()
while (($#)); do
	case $1 in
	-h | --help)
		sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
		exit 0
		;;
	--interval)
		(($# >= 2)) || die "--interval needs a duration"
		interval=$2
		shift
		;;
	--interval=*) interval=${1#--interval=} ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*[!0-9]* | '') die "N must be a number of extra processes, not '$1' (see --help)" ;;
	*) counts+=("$1") ;;
	esac
	shift
done
((${#counts[@]})) || counts=(0 10000)

[[ $(id -u) == 0 ]] || die "must run as root: the explorer reads everything only as root, and unshare needs it"
for tool in go tmux unshare setsid pgrep; do
	command -v "$tool" >/dev/null || die "$tool is missing"
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d /tmp/explorer-cpu.XXXXXX)
# shellcheck source=bench/load.sh
. "$repo/bench/load.sh"

cleanup() {
	local status=$?
	tmux kill-session -t "$SESSION" 2>/dev/null || true
	stop_processes || status=1
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# cpu_ticks prints a process's utime+stime in clock ticks.
cpu_ticks() {
	local stat
	stat=$(<"/proc/$1/stat")
	stat=${stat##*) } # fields after the command, from the 3rd (state)
	read -ra f <<<"$stat"
	echo $((f[11] + f[12]))
}

# measure runs the explorer for WARMUP+OPEN seconds and prints a row.
measure() {
	local label=$1 pid t0 t1 c0 c1 hwm procs hz
	tmux new-session -d -s "$SESSION" -x 120 -y 35 "exec $tmp/nsdive --interval $interval"
	pid=$(tmux list-panes -t "$SESSION" -F '#{pane_pid}')
	sleep "$WARMUP"
	[[ -d /proc/$pid ]] || die "the explorer exited during the warm-up"
	c0=$(cpu_ticks "$pid") t0=${EPOCHREALTIME/./}
	sleep "$OPEN"
	c1=$(cpu_ticks "$pid") t1=${EPOCHREALTIME/./}
	hwm=$(awk '$1 == "VmHWM:" {print $2}' "/proc/$pid/status")
	procs=$(count_procs)
	tmux capture-pane -p -t "$SESSION" | head -1 >"$tmp/header"
	tmux send-keys -t "$SESSION" q
	for ((i = 0; i < 50; i++)); do
		[[ -d /proc/$pid ]] || break
		sleep 0.1
	done
	tmux kill-session -t "$SESSION" 2>/dev/null || true
	hz=$(getconf CLK_TCK)
	awk -v label="$label" -v procs="$procs" -v c="$((c1 - c0))" -v hz="$hz" -v us="$((t1 - t0))" -v hwm="$hwm" 'BEGIN {
		printf "%-8s %9d %8.2f%% %9.1f MiB\n", label, procs, 100 * c / hz / (us / 1e6), hwm / 1024
	}'
	sed 's/^/         header: /' "$tmp/header"
}

export CGO_ENABLED=${CGO_ENABLED:-0}
echo "building nsdive from $repo (CGO_ENABLED=$CGO_ENABLED)"
(cd "$repo" && go build -o "$tmp/nsdive" .) || die "go build failed"
echo "$(nproc) CPUs; the explorer open ${OPEN} s after ${WARMUP} s of warm-up, --interval $interval"
echo "cpu: utime+stime over the window, in % of one core; peak_rss: VmHWM"
echo
printf '%-8s %9s %9s %13s\n' extra processes cpu peak_rss
for n in "${counts[@]}"; do
	((n == 0)) || start_processes "$n"
	measure "$n"
	stop_processes
done
