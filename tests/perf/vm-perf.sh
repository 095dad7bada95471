#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# vm-perf.sh MODE VRDMA_PERF CHECK_JSON [GID_SHIM]: vrdma-perf inside the
# Soft-RoCE guest (tests/vm/run --topology one).  MODE:
#   run       every test runs, its JSON has the documented shape and sane
#             numbers, the table layouts are perftest's, options work
#   errors    each error case gives its message; the verifier catches a
#             loop that moves no data or corrupts it
#   valgrind  one bandwidth run, one latency run and one failing run are
#             clean under valgrind (no errors, no definite leaks)
# The observers are independent of libvrdma: sysfs for the GID table and
# port, ip(8) for the address.
set -u
set -o pipefail

mode=$1 vperf=$2 checkjson=$3 shim=${4:-}
failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

dev=
for d in /sys/class/infiniband/rxe*; do [ -e "$d" ] && { dev=${d##*/}; break; }; done
[ -n "$dev" ] || { echo "no rxe device in the guest"; exit 1; }
sys=/sys/class/infiniband/$dev/ports/1
ndev=$(cat $sys/gid_attrs/ndevs/0)
ip addr add 192.168.201.1/24 dev "$ndev" || exit 1
want=0000:0000:0000:0000:0000:ffff:c0a8:c901
gid=
for try in $(seq 100); do
	for g in $sys/gids/*; do
		i=${g##*/}
		if [ "$(cat "$g" 2>/dev/null)" = $want ] &&
		   [ "$(cat $sys/gid_attrs/types/$i 2>/dev/null)" = "RoCE v2" ]; then
			gid=$i
			break 2
		fi
	done
	sleep 0.1
done
[ -n "$gid" ] || { echo "no RoCE v2 GID for 192.168.201.1 on $dev"; exit 1; }
tbl=$(ls $sys/gids | wc -l)
echo "# $dev port 1: GID $gid is ::ffff:192.168.201.1, table of $tbl entries"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect_fail NAME REGEX CMD...: CMD must exit 1 with REGEX on stderr.
expect_fail() {
	local name=$1 re=$2 rc
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ] && grep -Eq -e "$re" "$tmp/err"; then
		pass "$name: $(tail -n1 "$tmp/err")"
	else
		fail "$name: exit $rc, stderr: $(cat "$tmp/err") stdout: $(head -c 300 "$tmp/out")"
	fi
}

json_run() { # NAME ARGS...: run with -j, check the shape
	local name=$1
	shift
	if ! "$vperf" "$@" -j >"$tmp/$name.json" 2>"$tmp/err"; then
		fail "$name: vrdma-perf $*: $(cat "$tmp/err")"
		return 1
	fi
	if ! "$checkjson" "$tmp/$name.json" 2>"$tmp/err"; then
		fail "$name: JSON shape: $(cat "$tmp/err")"
		return 1
	fi
	pass "$name: $(tr -d ' \n' <"$tmp/$name.json" | grep -o '"results":.*' | head -c 200)"
}

# jnum FILE KEY: first value of "KEY" in a JSON file
jnum() { grep -o "\"$2\": *[0-9.e+-]*" "$1" | head -n1 | sed 's/.*: *//'; }

case $mode in
run)
	# default GID: the first RoCE v2 GID with an IPv4-mapped address
	json_run default write_bw -n 200
	if [ "$(jnum "$tmp/default.json" gid_index)" = "$gid" ] &&
	   grep -Eq '"gid": *"::ffff:192.168.201.1"' "$tmp/default.json"; then
		pass "default GID is $gid"
	else
		fail "default GID: $(grep -E 'gid' "$tmp/default.json")"
	fi
	for t in write_bw read_bw send_bw; do
		json_run $t $t -d "$dev" -x "$gid" -s 65536 -n 300 || continue
		bw=$(jnum "$tmp/$t.json" bw_avg_mb_sec)
		# rxe under TCG moves tens of MB/s; 0.5 .. 100000 MB/s is sane
		awk -v b="$bw" 'BEGIN { exit !(b > 0.5 && b < 100000) }' &&
			pass "$t average $bw MB/s" || fail "$t average $bw MB/s out of range"
	done
	for t in write_lat read_lat send_lat; do
		for s in 2 4096; do
			json_run $t-$s $t -d "$dev" -x "$gid" -s $s -n 300 || continue
			lt=$(jnum "$tmp/$t-$s.json" t_typical_usec)
			# a loopback round trip takes 1 us .. 10 ms
			awk -v l="$lt" 'BEGIN { exit !(l > 1 && l < 10000) }' &&
				pass "$t $s B typical $lt us" || fail "$t $s B typical $lt us out of range"
			[ "$(jnum "$tmp/$t-$s.json" iterations)" = 300 ] ||
				fail "$t: expected 300 samples"
		done
	done
	# perftest's table layouts
	"$vperf" write_bw -d "$dev" -x "$gid" -n 100 >"$tmp/t" 2>&1 &&
	grep -q '^ #bytes     #iterations    BW peak\[MB/sec\]    BW average\[MB/sec\]   MsgRate\[Mpps\]' "$tmp/t" &&
	awk '/#bytes/ { getline; exit !($1 == 65536 && $2 == 100) }' "$tmp/t" &&
		pass "bandwidth table" || fail "bandwidth table: $(cat "$tmp/t")"
	"$vperf" write_bw -d "$dev" -x "$gid" -n 100 --report_gbits >"$tmp/t" 2>&1 &&
	grep -q 'BW average\[Gb/sec\]' "$tmp/t" && pass "--report_gbits" || fail "--report_gbits: $(cat "$tmp/t")"
	"$vperf" send_lat -d "$dev" -x "$gid" -n 100 >"$tmp/t" 2>&1 &&
	grep -q '#bytes #iterations    t_min\[usec\]    t_max\[usec\]  t_typical\[usec\]    t_avg\[usec\]    t_stdev\[usec\]   99% percentile\[usec\]   99.9% percentile\[usec\]' "$tmp/t" &&
	awk '/#bytes/ { getline; exit !($1 == 2 && $2 == 100 && NF == 9) }' "$tmp/t" &&
		pass "latency table" || fail "latency table: $(cat "$tmp/t")"
	# options
	json_run sweep write_bw -d "$dev" -x "$gid" -a -n 4 &&
	{ [ "$(grep -o '"bytes"' "$tmp/sweep.json" | wc -l)" = 23 ] && pass "-a: 23 sizes 2 B .. 8 MiB" ||
		fail "-a: $(grep -o '"bytes"' "$tmp/sweep.json" | wc -l) sizes"; }
	json_run lat-sweep read_lat -d "$dev" -x "$gid" -a -n 5 &&
	grep -Eq '"bytes": *8388608' "$tmp/lat-sweep.json" && pass "read_lat -a reaches 8 MiB"
	json_run duration send_bw -d "$dev" -x "$gid" -D 1 &&
	awk -v s="$(jnum "$tmp/duration.json" seconds)" 'BEGIN { exit !(s >= 0.9 && s < 3) }' &&
		pass "-D 1 ran $(jnum "$tmp/duration.json" seconds) s" || fail "-D 1: $(cat "$tmp/duration.json")"
	json_run lat-duration write_lat -d "$dev" -x "$gid" -D 1
	json_run qps write_bw -d "$dev" -x "$gid" -q 4 -n 400 -s 4096 &&
		grep -Eq '"qps": *4' "$tmp/qps.json" && pass "-q 4"
	json_run read-qps read_bw -d "$dev" -x "$gid" -q 3 -n 301 -s 8192
	json_run events-bw send_bw -d "$dev" -x "$gid" -e -n 300 && grep -Eq '"events": *true' "$tmp/events-bw.json"
	json_run events-lat send_lat -d "$dev" -x "$gid" -e -n 200
	json_run events-read read_lat -d "$dev" -x "$gid" -e -n 200
	json_run depth write_bw -d "$dev" -x "$gid" -t 16 -Q 4 -I 64 -s 64 -n 1000 &&
		grep -Eq '"tx_depth": *16' "$tmp/depth.json" &&
		grep -Eq '"cq_moderation": *4,' "$tmp/depth.json" &&
		pass "-t/-Q/-I reported"
	json_run inline send_lat -d "$dev" -x "$gid" -I 0 -s 64 -n 200
	VRDMA_PERF_RESPONDER=inline json_run inline-responder write_lat -d "$dev" -x "$gid" -n 200
	VRDMA_PERF_RESPONDER=thread json_run thread-responder send_lat -d "$dev" -x "$gid" -n 200
	;;
errors)
	expect_fail "no such device" "RDMA device 'nosuch0' not found \(available: $dev" \
		"$vperf" write_bw -d nosuch0 -n 10
	expect_fail "GID index out of range" "GID index $tbl out of range: port 1 of $dev has GID indexes 0-$((tbl - 1))" \
		"$vperf" write_bw -d "$dev" -x "$tbl" -n 10
	expect_fail "GID index far out of range" "GID index 100000 out of range" \
		"$vperf" write_bw -d "$dev" -x 100000 -n 10
	empty=
	for g in $sys/gids/*; do
		i=${g##*/}
		[ "$(cat "$g")" = 0000:0000:0000:0000:0000:0000:0000:0000 ] && { empty=$i; break; }
	done
	expect_fail "empty GID index" "GID index $empty of $dev port 1 is empty" \
		"$vperf" send_lat -d "$dev" -x "$empty" -n 10
	expect_fail "no such port" "RDMA device $dev has no port 2" \
		"$vperf" write_bw -d "$dev" -i 2 -n 10
	if [ -n "$shim" ]; then
		VRDMA_TEST_GID_V1=$gid LD_PRELOAD=$shim expect_fail "GID not RoCE v2" \
			"GID index $gid of $dev port 1 \(::ffff:192.168.201.1\) is RoCE v1, not RoCE v2" \
			"$vperf" write_bw -d "$dev" -x "$gid" -n 10
	fi
	# --vmk without a configuration naming vmk1: refused with the reason
	VRDMA_CONFIG=/nonexistent/vrdma.json expect_fail "--vmk" "vrdma-perf: --vmk: config file /nonexistent/vrdma.json does not exist" \
		"$vperf" write_bw --vmk vmk1
	# completion error: a wrong remote key (test hook)
	VRDMA_PERF_FAULT=bad-rkey expect_fail "completion error (write)" \
		"write_bw: completion error on (requester|responder) QP 0x[0-9a-f]+ of $dev: remote (access|invalid request) error \(status [0-9]+" \
		"$vperf" write_bw -d "$dev" -x "$gid" -n 50
	VRDMA_PERF_FAULT=bad-rkey expect_fail "completion error (read_lat)" \
		"read_lat: completion error on requester QP .*: remote (access|invalid request) error" \
		"$vperf" read_lat -d "$dev" -x "$gid" -n 50
	# the verifier: a loop that moves no data, or the wrong data, fails
	for t in write_bw read_bw send_bw read_lat send_lat; do
		VRDMA_PERF_FAULT=no-data expect_fail "no data landed ($t)" \
			"$t: data verification failed on QP pair 0: .* byte [0-9]+ is 0x" \
			"$vperf" $t -d "$dev" -x "$gid" -n 50 -s 4096
	done
	for t in write_bw read_bw send_bw write_lat read_lat send_lat; do
		VRDMA_PERF_FAULT=corrupt expect_fail "corrupted data ($t)" \
			"$t: data verification failed" "$vperf" $t -d "$dev" -x "$gid" -n 20 -s 1M
	done
	# memory registration failure: no CAP_IPC_LOCK and no locked memory
	chmod 0666 /dev/infiniband/uverbs* 2>/dev/null
	expect_fail "memory registration" "memory registration of [0-9]+ bytes on $dev failed: .*RLIMIT_MEMLOCK" \
		prlimit --memlock=0:0 setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$vperf" write_bw -d "$dev" -x "$gid" -n 10
	# port down (read back through sysfs), then up again
	ip link set "$ndev" down
	for try in $(seq 50); do grep -q DOWN $sys/state && break; sleep 0.1; done
	grep -q DOWN $sys/state || fail "sysfs never showed the port down: $(cat $sys/state)"
	expect_fail "port down" "port 1 of RDMA device $dev is DOWN, not ACTIVE" \
		"$vperf" write_bw -d "$dev" -n 10
	ip link set "$ndev" up
	# usage errors exit 2
	"$vperf" write_bw -s 9M >/dev/null 2>"$tmp/err"
	[ $? = 2 ] && grep -q -- "-s 9M" "$tmp/err" && pass "usage error: $(cat "$tmp/err")" ||
		fail "usage error: $(cat "$tmp/err")"
	;;
valgrind)
	command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 77; }
	vg() {
		local name=$1 want=$2
		shift 2
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			--show-leak-kinds=definite "$@" >"$tmp/out" 2>"$tmp/err"
		local rc=$?
		if [ $rc = "$want" ]; then
			pass "valgrind $name (exit $rc)"
		else
			fail "valgrind $name: exit $rc (want $want): $(cat "$tmp/err")"
		fi
	}
	vg write_bw 0 "$vperf" write_bw -d "$dev" -x "$gid" -n 100 -s 4096 -q 2
	# Under valgrind threads take turns: a spinning responder thread would
	# crawl, so the latency runs respond inline (one thread).
	VRDMA_PERF_RESPONDER=inline vg send_lat 0 "$vperf" send_lat -d "$dev" -x "$gid" -n 100 -j
	VRDMA_PERF_RESPONDER=inline vg "write_lat sweep" 0 "$vperf" write_lat -d "$dev" -x "$gid" -n 3 -a
	vg "read_bw events" 0 "$vperf" read_bw -d "$dev" -x "$gid" -n 100 -e
	vg "bad GID" 1 "$vperf" write_bw -d "$dev" -x 100000
	VRDMA_PERF_FAULT=bad-rkey vg "completion error" 1 "$vperf" write_bw -d "$dev" -x "$gid" -n 20
	VRDMA_PERF_FAULT=no-data vg "verification failure" 1 "$vperf" send_bw -d "$dev" -x "$gid" -n 20
	;;
*)
	echo "usage: $0 run|errors|valgrind VRDMA_PERF CHECK_JSON [GID_SHIM]"
	exit 2
	;;
esac

echo "# $mode: $failures failure(s)"
[ $failures = 0 ]
