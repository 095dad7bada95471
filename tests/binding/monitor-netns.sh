#!/bin/bash
# The monitor in a fresh network namespace (no RDMA: veths stand for uplinks
# through VRDMA_UPLINKS='eth*'), observed with ip -j:
#  api      test-monitor-netns: the library API (link and address events, view,
#           set_config, getters' errors)
#  cli      vrdmactl monitor -j: netdev-attached/detached lines of a veth
#  flood    (test hooks) 5000 address changes into a shrunk socket buffer:
#           a resync line, then the changes made after the flood are reported
#  reapply  vrdmactl monitor --reapply: the vmk's uplink deleted and re-added
#           gives the vmk back; a configuration broken meanwhile is reported
#           and not applied (the last good one is)
# usage: monitor-netns.sh VRDMACTL TEST_MONITOR_NETNS hooks|no-hooks
set -u
vrdmactl=$(realpath "$1")
api=$(realpath "$2")
hooks=$3
[ "$(id -u)" = 0 ] || { echo "needs root; skipped"; exit 77; }
command -v unshare >/dev/null || exit 77
if [ -z "${VRDMA_IN_NETNS:-}" ]; then
	VRDMA_IN_NETNS=1 exec unshare -n -m "$0" "$@"
fi
set -e
mount --make-rprivate /
mount -t sysfs sysfs /sys
tmp=$(mktemp -d)
mpid=
trap '[ -n "$mpid" ] && kill $mpid 2>/dev/null; rm -rf "$tmp"' EXIT
export VRDMA_STATE_DIR=$tmp/state VRDMA_CONFIG=$tmp/vrdma.json VRDMA_UPLINKS='eth*'
fail() { echo "FAIL: $*" >&2; [ -f "$tmp/out" ] && sed 's/^/  out: /' "$tmp/out" >&2; \
	[ -f "$tmp/err" ] && sed 's/^/  err: /' "$tmp/err" >&2; exit 1; }
ip link set lo up
sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0

# start_monitor ARGS...: vrdmactl monitor in the background, once it took its baseline
start_monitor() {
	: > "$tmp/out"; : > "$tmp/err"
	"$vrdmactl" monitor "$@" > "$tmp/out" 2> "$tmp/err" &
	mpid=$!
	for _ in $(seq 100); do
		grep -q "monitor: watching" "$tmp/err" && return 0
		sleep 0.05
	done
	fail "monitor did not start"
}
# wait_line PATTERN [SECONDS]: until a line of out matches
wait_line() {
	for _ in $(seq $((${2:-10} * 20))); do
		grep -qE "$1" "$tmp/out" && return 0
		sleep 0.05
	done
	return 1
}
stop_monitor() { kill $mpid 2>/dev/null || true; wait $mpid 2>/dev/null || true; mpid=; }

echo "== api"
"$api" || fail "test-monitor-netns"

echo "== cli: veth added and deleted"
start_monitor -j --timeout 20
ip link add eth2 type veth peer name peer2
wait_line '"type":"netdev-attached","source":"rtnetlink","netdev":"eth2"' || fail "eth2 attached"
ip link del eth2
wait_line '"type":"netdev-detached","source":"rtnetlink","netdev":"eth2"' || fail "eth2 detached"
stop_monitor
python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/out" \
	|| fail "-j lines are not JSON"
[ "$(grep -c netdev- "$tmp/out")" = 2 ] || fail "expected exactly two netdev events"

if [ "$hooks" = hooks ]; then
	echo "== flood: 5000 address changes with a small socket buffer"
	ip link add eth3 type veth peer name peer3
	ip link add eth4 type veth peer name peer4
	ip link set eth3 up
	VRDMA_TEST_MONITOR_RCVBUF=1 start_monitor -j --timeout 120
	for i in $(seq 0 4999); do
		echo "addr add 10.$((i / 250)).$((i % 250)).1/32 dev eth3"
	done > "$tmp/batch"
	# the changes that must not be missed come after the flood
	echo "link del eth4" >> "$tmp/batch"
	echo "link add eth5 type veth peer name peer5" >> "$tmp/batch"
	ip -batch "$tmp/batch"
	[ "$(ip -j addr show dev eth3 | python3 -c 'import json,sys; print(len([a for a in json.load(sys.stdin)[0]["addr_info"] if a["family"]=="inet"]))')" = 5000 ] \
		|| fail "ip -j addr: not 5000 addresses on eth3"
	wait_line '"type":"netdev-detached","source":"[a-z-]+","netdev":"eth4"' 60 || fail "eth4 detached missed"
	wait_line '"type":"netdev-attached","source":"[a-z-]+","netdev":"eth5"' 60 || fail "eth5 attached missed"
	grep -q '"type":"resync","source":"rtnetlink"' "$tmp/out" || fail "no resync after an overrun"
	stop_monitor
	n=$(grep -c '"netdev":"eth[34]"\|"netdev":"eth5"' "$tmp/out" || true)
	[ "$n" = 2 ] || fail "expected one event for eth4 and one for eth5, got $n"
	ip link del eth3; ip link del eth5
fi

echo "== reapply: the vmk's uplink deleted and re-added"
ip link add eth1 type veth peer name eth1p
ip link set eth1p up
cat > "$VRDMA_CONFIG" <<JSON
{
  "schema": "vrdma-config/1",
  "generation": 1,
  "switches": [
    { "name": "vSwitch1", "type": "standard", "ifname": "vsw1", "mtu": 1500,
      "uplinks": ["eth1"], "failover": { "active": ["eth1"], "standby": [] },
      "portgroups": [ { "name": "PG", "vlan": 0 } ] }
  ],
  "vmks": [
    { "name": "vmk1", "switch": "vSwitch1", "portgroup": "PG",
      "mac": "02:12:34:56:78:9a", "mtu": 1500, "ipv4": "192.0.2.10/24",
      "ipv6": [], "tags": [] }
  ]
}
JSON
chmod 600 "$VRDMA_CONFIG"
"$vrdmactl" apply >/dev/null || fail "first apply"
vmk_up() { ip -j -d link show vmk1 2>/dev/null | grep -q '"ifalias":"vrdma:vmk1"' &&
	ip -j addr show vmk1 | grep -q '"local":"192.0.2.10","prefixlen":24'; }
vmk_up || fail "vmk1 not created by apply"
start_monitor -j --reapply --interval 1 --timeout 60
ip link del eth1
wait_line '"type":"netdev-detached","source":"rtnetlink","netdev":"eth1"' || fail "eth1 detached"
ip link show vmk1 >/dev/null 2>&1 && fail "vmk1 outlived its uplink"
sleep 0.5
ip link add eth1 type veth peer name eth1p
ip link set eth1p up
wait_line '"type":"netdev-attached","source":"rtnetlink","netdev":"eth1"' || fail "eth1 attached"
for _ in $(seq 100); do vmk_up && break; sleep 0.1; done
vmk_up || fail "vmk1 not re-created by --reapply"
grep -qE "reapply at [0-9.]+ s \(trigger: netdev-(at|de)tached eth1\): applied [1-9]" "$tmp/err" \
	|| fail "no reapply logged"

echo "== reapply: a configuration broken meanwhile is not applied"
echo '{ "schema": "vrdma-config/1", broken' > "$VRDMA_CONFIG"
ip link del eth1
wait_line '"netdev":"eth1".*' || true
sleep 0.5
ip link add eth1 type veth peer name eth1p
ip link set eth1p up
for _ in $(seq 100); do vmk_up && break; sleep 0.1; done
vmk_up || fail "vmk1 not re-created from the last good configuration"
grep -q "fails to load; keeping the last good one (generation 1)" "$tmp/err" \
	|| fail "broken configuration not reported"
stop_monitor
grep "reapply" "$tmp/err"
# rate limit: the applies (logged with their time) at least --interval apart
grep -o 'reapply at [0-9.]* s' "$tmp/err" | awk '{ print $3 }' > "$tmp/times"
[ "$(wc -l < "$tmp/times")" -ge 2 ] || fail "expected several applies"
awk 'NR > 1 && $1 - prev < 0.95 { bad = 1 } { prev = $1 } END { exit bad }' "$tmp/times" \
	|| fail "applies closer than --interval 1: $(paste -sd' ' "$tmp/times")"
echo "PASS"
