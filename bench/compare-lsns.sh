#!/usr/bin/env bash
# compare-lsns.sh times `nsdive list --json` against `lsns -J` with N extra
# processes running, for each N given, then on the host as it is.
#
# Usage: bench/compare-lsns.sh [--lsns PATH]... [--variant 'ARGS']... [N...]
#        (default: lsns from PATH; N 1000 5000)
#
# --lsns PATH names an lsns binary to compare with; give it more than once
# to time several side by side (util-linux 2.42.2's and Debian's 2.38, say:
# only lsns 2.41 and later list the namespaces an open descriptor holds, as
# nsdive list does). --variant 'ARGS' also times `nsdive list --json ARGS`
# (e.g. --variant '-o +HOLDERS'); give it more than once for more.
#
# For each N it starts N processes: a tenth of them in new namespaces (each
# `unshare --net --uts --ipc --mount --fork sleep` is two processes, unshare
# and its sleep, both in the new namespaces), the rest plain `sleep`, plus a
# spawning shell per CHUNK of them. When all are up it runs each command
# once to warm the caches, then RUNS times each, in turn (nsdive, its
# variants, each lsns; again), and prints for each command the median, its
# ratio to plain nsdive's median (for an lsns, how many times faster nsdive
# is; for a variant, what it costs more), nsdive's time per process in
# /proc, and the peak RSS (/usr/bin/time's "Maximum resident set size", the
# largest of RSS_RUNS runs). Then how nsdive's time per process grew from
# the smallest N to the largest, and the same comparison on the idle host
# (IDLE_RUNS runs). Every process it starts is SIGKILLed when it exits,
# however it exits.
#
# Use 10000 for the peak-RSS target. Knobs, from the environment: RUNS (5),
# IDLE_RUNS (31), RSS_RUNS (3), CHUNK (500), SETTLE (the longest wait, 30 s,
# for the CPUs to be 90% idle before measuring: tearing down thousands of
# processes and namespaces keeps the kernel busy for a while), and
# CGO_ENABLED: 0 by default, to time the static binary nsdive ships as
# (README, "Install"); CGO_ENABLED=1 times what a plain `go build` makes
# where gcc is installed.
#
# It needs root (lsns and nsdive see only your own processes otherwise, and
# unshare needs it), go, lsns, unshare, setsid and pgrep; it installs GNU
# time with apt-get when /usr/bin/time is missing. It takes about two
# minutes for 1000 5000 on a 2-CPU VM, where a fork and exec costs ~7 ms.
# Nothing here fails on a missed target: it is a measurement, not a test.
set -euo pipefail

RUNS=${RUNS:-5}
IDLE_RUNS=${IDLE_RUNS:-31}
CHUNK=${CHUNK:-500} # processes started by one shell
RSS_RUNS=${RSS_RUNS:-3}
SETTLE=${SETTLE:-30} # longest wait for idle CPUs before measuring
SLEEP_FOR=100000 # seconds; longer than any run

die() {
	echo "compare-lsns: $*" >&2
	exit 1
}

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

lsnses=()
variants=()
counts=()
while (($#)); do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--lsns | --variant)
		(($# >= 2)) || die "$1 needs a value (see --help)"
		if [[ $1 == --lsns ]]; then lsnses+=("$2"); else variants+=("$2"); fi
		shift 2
		continue
		;;
	--lsns=*) lsnses+=("${1#--lsns=}") ;;
	--variant=*) variants+=("${1#--variant=}") ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*[!0-9]* | '' | 0) die "N must be a positive number of processes, not '$1' (see --help)" ;;
	*) counts+=("$1") ;;
	esac
	shift
done
((${#counts[@]})) || counts=(1000 5000)
mapfile -t counts < <(printf '%s\n' "${counts[@]}" | sort -n)
((${#lsnses[@]})) || lsnses=(lsns)

[[ $(id -u) == 0 ]] || die "must run as root: lsns and nsdive see only your own processes otherwise, and unshare needs root"
for tool in go unshare setsid pgrep; do
	command -v "$tool" >/dev/null || die "$tool is missing (go from https://go.dev; the others from util-linux and procps)"
done
for bin in "${lsnses[@]}"; do
	command -v "$bin" >/dev/null || die "no lsns at '$bin': give one with --lsns PATH (util-linux)"
	"$bin" --version >/dev/null 2>&1 || die "$bin --version failed: is it lsns?"
done
if [[ ! -x /usr/bin/time ]]; then
	echo "compare-lsns: installing GNU time for peak RSS" >&2
	command -v apt-get >/dev/null || die "/usr/bin/time is missing and there is no apt-get to install it: install GNU time"
	apt-get update -qq >/dev/null || die "apt-get update failed: install GNU time (/usr/bin/time) by hand"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null || die "apt-get install time failed: install GNU time (/usr/bin/time) by hand"
fi

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d /tmp/compare-lsns.XXXXXX)
# shellcheck source=bench/load.sh
. "$repo/bench/load.sh"

cleanup() {
	local status=$?
	stop_processes || status=1
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# idle_percent prints how idle the CPUs were over the last second.
idle_percent() {
	local a b
	read -ra a </proc/stat
	sleep 1
	read -ra b </proc/stat
	awk -v a="${a[*]}" -v b="${b[*]}" 'BEGIN {
		n = split(a, x); split(b, y)
		for (i = 2; i <= n; i++) total += y[i] - x[i]
		printf "%d\n", total ? 100 * ((y[5] - x[5]) + (y[6] - x[6])) / total : 100
	}'
}

# settle waits, up to SETTLE seconds, for the CPUs to be 90% idle: starting
# and killing thousands of processes (and tearing down their namespaces)
# keeps the kernel busy for a while after, and so may other work on the
# host. It sets idle, printed with each row.
settle() {
	local deadline=$((SECONDS + SETTLE))
	idle=$(idle_percent)
	while ((idle < 90 && SECONDS < deadline)); do
		idle=$(idle_percent)
	done
}

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# The commands timed, nsdive's first: labels[i] names cmds[i], one string
# that the shell splits into words.
labels=("nsdive list --json")
cmds=("$tmp/nsdive list --json")
for v in "${variants[@]}"; do
	labels+=("nsdive list --json $v")
	cmds+=("$tmp/nsdive list --json $v")
done
for bin in "${lsnses[@]}"; do
	version=$("$bin" --version 2>/dev/null | awk '{print $NF; exit}')
	labels+=("lsns $version -J")
	cmds+=("$bin -J")
done

# measure times every command in turn, RUNS times, and sets the globals
# below: medians and peak RSS by command index.
measure() {
	local runs=$1 r i t0 t1
	settle
	for i in "${!cmds[@]}"; do
		: >"$tmp/$i.us"
		# stderr goes nowhere: nsdive warns there of processes it
		# cannot read. The first run warms the caches.
		${cmds[i]} >"$tmp/$i.json" 2>/dev/null || true
	done
	for ((r = 0; r < runs; r++)); do
		for i in "${!cmds[@]}"; do
			t0=${EPOCHREALTIME/./}
			${cmds[i]} >/dev/null 2>&1 || true
			t1=${EPOCHREALTIME/./}
			echo $((t1 - t0)) >>"$tmp/$i.us"
		done
	done
	procs=$(count_procs)
	namespaces=$(grep -c '"ns":' "$tmp/0.json" || true)
	medians=() rss=()
	for i in "${!cmds[@]}"; do
		medians[i]=$(median <"$tmp/$i.us")
		# shellcheck disable=SC2086 # a command line
		rss[i]=$(peak_rss ${cmds[i]})
	done
}

# peak_rss prints the largest "Maximum resident set size" (KiB) of
# RSS_RUNS runs: it varies by a MiB or two with when the GC runs.
peak_rss() {
	local r
	for ((r = 0; r < RSS_RUNS; r++)); do
		/usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>&1 || true
		cat "$tmp/rss"
	done | sort -n | tail -1
}

header() {
	printf '%-8s %9s %6s %-36s %10s %8s %12s %10s %5s\n' \
		extra processes nsns command median_ms ratio ns/process peak_rss idle
}

# rows prints a line per command; ratio is the command's median over plain
# nsdive's (for lsns: how many times faster nsdive is).
rows() {
	local i
	for i in "${!cmds[@]}"; do
		awk -v label="$1" -v procs="$procs" -v nsns="$namespaces" -v cmd="${labels[i]}" \
			-v t="${medians[i]}" -v base="${medians[0]}" -v rss="${rss[i]}" -v idle="$idle" -v first="$i" 'BEGIN {
			per = first == 0 ? sprintf("%d", base * 1000 / procs) : ""
			printf "%-8s %9d %6d %-36s %10.1f %7.2fx %12s %6.1f MiB %4d%%\n",
				label, procs, nsns, cmd, t / 1000, t / base, per, rss / 1024, idle
		}'
	done
}

export CGO_ENABLED=${CGO_ENABLED:-0}
echo "building nsdive from $repo (CGO_ENABLED=$CGO_ENABLED)"
(cd "$repo" && go build -o "$tmp/nsdive" .) || die "go build failed"
echo "$(nproc) CPUs, $RUNS runs each (medians), peak RSS the largest of $RSS_RUNS runs"
echo "nsns: namespaces nsdive listed; ratio: the median over nsdive list --json's (for lsns, nsdive's speed-up);"
echo "ns/process: nsdive's time over the processes in /proc; idle: how idle the CPUs were just before (it waits up to ${SETTLE} s for 90%)"
echo
header
declare -A took seen
for n in "${counts[@]}"; do
	start_processes "$n"
	measure "$RUNS"
	rows "$n"
	took[$n]=${medians[0]} seen[$n]=$procs
	stop_processes
done
first=${counts[0]}
last=${counts[-1]}
if ((first != last)); then
	# The marginal cost leaves out what does not grow with processes
	# (start-up, the host's own processes).
	echo
	awk -v f="$first" -v l="$last" -v tf="${took[$first]}" -v tl="${took[$last]}" \
		-v pf="${seen[$first]}" -v pl="${seen[$last]}" 'BEGIN {
		a = tf * 1000 / pf; b = tl * 1000 / pl
		printf "cost per process, %d -> %d extra: %d -> %d ns, %+.1f%%; each process added costs %d ns\n",
			f, l, a, b, (b / a - 1) * 100, (tl - tf) * 1000 / (pl - pf)
	}'
fi
echo
measure "$IDLE_RUNS"
rows idle
