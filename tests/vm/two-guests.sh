#!/bin/bash
# The multi-guest runner's own test; runs INSIDE both guests of
#
#   tests/vm/run --guest T:san-target --guest I:san-initiator -- tests/vm/two-guests.sh
#
# Proves: each guest has its own name, hostname and topology; the NICs of
# the two guests have distinct MACs (the same names on both); the wire
# 'san' carries frames between them (I resolves T's address to T's MAC over
# ARP and gets T's TCP reset); vm-sync passes values both ways.  Guest T
# then exits 3 on purpose, so the run's status must be 3 (the meson test
# expects it: tests/vm/expect-status.sh).
set -u
here=$(cd "${BASH_SOURCE[0]%/*}" && pwd -P)
sync=$here/vm-sync
me="two-guests[${VRDMA_VM_GUEST-?}]"
fails=0
fail() { echo "$me: FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "$me: ok: $*"; }
[ -n "${VRDMA_VM_SYNC-}" ] || { echo "$me: not in a multi-guest run" >&2; exit 99; }
[ "$(hostname)" = "vrdma-$VRDMA_VM_GUEST" ] || fail "hostname $(hostname), want vrdma-$VRDMA_VM_GUEST"
[ "$VRDMA_VM_GUESTS" = "T I" ] || fail "VRDMA_VM_GUESTS='$VRDMA_VM_GUESTS', want 'T I'"
grep -qx 'wire san hub 1' "$VRDMA_VM_MANIFEST" || fail "the manifest lists no 'wire san hub 1'"
macs=$(cat /sys/class/net/ens1f0/address /sys/class/net/ens1f1/address | tr '\n' ' ')
"$sync" signal "macs.$VRDMA_VM_GUEST" "$macs"
case $VRDMA_VM_GUEST in
T)
	[ "$VRDMA_VM_TOPOLOGY" = san-target ] || fail "topology $VRDMA_VM_TOPOLOGY"
	peer=$("$sync" wait macs.I 120) || fail "no MACs from I"
	for m in $macs; do
		[[ " $peer " != *" $m "* ]] || fail "MAC $m on both guests"
	done
	[ $fails -eq 0 ] && ok "MACs $macs here, $peer on I: all distinct"
	v=$("$sync" wait probed 120) || fail "I never probed"
	[ "$v" = ok ] || fail "I's probe over the wire: $v"
	[ $fails -eq 0 ] || exit 1
	exit 3 # on purpose: the run's status is this one
	;;
I)
	[ "$VRDMA_VM_TOPOLOGY" = san-initiator ] || fail "topology $VRDMA_VM_TOPOLOGY"
	"$sync" wait macs.T 120 >/dev/null || fail "no MACs from T"
	ip addr add 192.0.2.11/24 dev ens1f0 || fail "cannot add 192.0.2.11"
	# no ping in the guest: a TCP connect to a closed port, answered by a reset
	out=$(timeout 20 bash -c 'echo >/dev/tcp/192.0.2.100/9' 2>&1)
	tmac=$(cut -d' ' -f1 <<<"$("$sync" wait macs.T 1)")
	lladdr=$(ip -j neigh show 192.0.2.100 dev ens1f0 | jq -r '.[0].lladdr // empty')
	if [[ $out == *'Connection refused'* ]] && [ "$lladdr" = "$tmac" ]; then
		ok "192.0.2.100 answered over the wire from T's ens1f0 ($lladdr): $out"
		"$sync" signal probed ok
	else
		fail "over the wire: '$out', neighbour '$lladdr' (T's ens1f0: $tmac)"
		"$sync" signal probed "failed"
	fi
	# T ends first, with 3: vm-sync tells a waiter at once (exit 3)
	"$sync" wait never 120
	rc=$?
	[ $rc -eq 3 ] && ok "vm-sync wait saw T end" || fail "vm-sync wait for a gone peer: exit $rc, want 3"
	[ $fails -eq 0 ]
	;;
esac
