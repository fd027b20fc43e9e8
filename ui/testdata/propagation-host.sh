#!/bin/sh
# propagation-host.sh NSDIVE OUT: builds three mount namespaces that share
# mount events, saves the snapshot nsdive takes of them to OUT, trimmed to
# the namespaces and processes it made, and removes everything again.
# Other programs' mounts under /tmp, /mnt and /run/netns are left out.
# Run as root. The page tests of the explorer read the result
# (propagation-host.json); rerun this to refresh it.
#
#   host    /srv/nsdv-shared   shared:A    (mount --make-shared)
#   peer    a copy, same group shared:A    (unshare -m --propagation unchanged)
#           mounts /srv/nsdv-shared/data:  shared:B, propagated back to the host
#   web     a copy, a slave of A and B     (unshare -m --propagation slave,
#           and its own pid, uts, ipc, net namespaces: pid 2 inside)
#   pfc     unshare -f -p -T: the parent's pid_for_children and
#           time_for_children differ from its own pid and time namespaces
set -eu
nsdive=$1 out=$2
dir=/srv/nsdv-shared
pids=
cleanup() {
	for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
	sleep 0.2
	umount -l "$dir/data" 2>/dev/null || true
	umount -l "$dir" 2>/dev/null || true
	rmdir "$dir" 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$dir"
mount -t tmpfs -o size=1m nsdv-shared "$dir"
mount --make-shared "$dir"
mkdir "$dir/data"

unshare -m -u -i -n -p -f --kill-child --propagation slave --mount-proc \
	sh -c 'hostname web; mount -t tmpfs -o size=1m nsdv-web-run /run; sleep 1000 & wait' &
pids="$pids $!"
sleep 0.3
unshare -m --propagation unchanged \
	sh -c "mount -t tmpfs -o size=1m nsdv-data $dir/data; exec sleep 1001" &
pids="$pids $!"
unshare -f --kill-child -p -T --monotonic 3600 sleep 1002 &
pids="$pids $!"
sleep 0.5

# the processes made here and their children
keep=$(for p in $$ $pids; do echo "$p"; pgrep -P "$p" || true; done | while read -r p; do echo "$p"; pgrep -P "$p" || true; done | sort -un | tr '\n' ' ')
"$nsdive" list --json --details | jq --argjson keep "[$(echo $keep | tr ' ' ',')]" '
  (.processes | map(select(.pid as $p | $keep | index($p)))) as $procs
  | ([$procs[].namespaces[] | select(. != null)] + [.initial[]] | unique) as $nss
  | .processes = $procs
  | .namespaces = [.namespaces[] | select(.ns as $n | $nss | index($n))
      | .pids = [.pids[] | select(. as $p | $keep | index($p))]
      | .threads = [] | .holders = [.holders[] | select(.kind != "fd" and .kind != "socket" and (.kind != "for_children" or (.pid as $p | $keep | index($p))))]]
  | .mounts = (.mounts | with_entries(select(.key | tonumber as $n | $nss | index($n)))
      | map_values(map(select(.target | test("^/(tmp|mnt|run/netns)/") | not))))
  | ([.mounts | to_entries[] | .key as $ns | .value[] | "\($ns)/\(.id)"]) as $kept
  | .peer_groups = (.peer_groups | map_values(map(select("\(.mntns)/\(.mount_id)" as $r | $kept | index($r))))
      | with_entries(select(.value | length > 0)))
' > "$out"
