#!/bin/bash
# systemd-analyze verify on the generated vrdma-apply.service: the unit as
# meson generates it, with its ExecStart binary (BINDIR/vrdmactl, not
# installed yet) pointed at the build's vrdmactl.  verify exits 0 on an
# unknown key or a bad value ("..., ignoring"), so any diagnostic fails the
# test.  Then the unit's shape: oneshot that stays active, apply --wait, the
# condition on the configuration file, ordered before the storage initiators.
# usage: verify-unit.sh UNIT VRDMACTL BINDIR
set -u
unit=$1 vrdmactl=$(realpath "$2") bindir=$3
command -v systemd-analyze >/dev/null || { echo "no systemd-analyze; skipped"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -qE "^ExecStart=$bindir/vrdmactl --config /[^ ]+/vrdma\.json apply --wait 30\$" "$unit" ||
	fail "ExecStart is not '$bindir/vrdmactl --config CONFIG apply --wait 30': $(grep ExecStart "$unit")"
name=$(basename "$unit")
sed "s|^ExecStart=$bindir/vrdmactl |ExecStart=$vrdmactl |" "$unit" > "$tmp/$name"
grep -q "^ExecStart=$vrdmactl " "$tmp/$name" || fail "ExecStart not substituted"
! grep -n '@[a-z]*@' "$tmp/$name" || fail "unsubstituted placeholders"

out=$(cd "$tmp" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no "./$name" 2>&1)
rc=$?
[ -n "$out" ] && echo "$out"
[ $rc = 0 ] || fail "systemd-analyze verify: exit $rc"
[ -z "$out" ] || fail "systemd-analyze verify printed diagnostics"

# The command line the unit runs is one vrdmactl accepts (it parses
# --config and apply's options before it touches anything: --help).
"$vrdmactl" --config /nonexistent apply --wait 30 --help >/dev/null ||
	fail "vrdmactl does not take the unit's command line"

key() { sed -n "s/^$1=//p" "$tmp/$name"; }
[ "$(key Type)" = oneshot ] || fail "Type=$(key Type)"
[ "$(key RemainAfterExit)" = yes ] || fail "RemainAfterExit=$(key RemainAfterExit)"
key ConditionPathExists | grep -q '/vrdma\.json$' || fail "no ConditionPathExists on the configuration"
before=" $(key Before | tr '\n' ' ') "
for u in nvmf-autoconnect.service iscsid.service open-iscsi.service network-online.target; do
	[[ $before == *" $u "* ]] || fail "not ordered before $u"
done
after=" $(key After | tr '\n' ' ') "
[[ $after == *" systemd-modules-load.service "* ]] || fail "not ordered after systemd-modules-load.service"
[ "$(key WantedBy)" = multi-user.target ] || fail "WantedBy=$(key WantedBy)"
echo OK
