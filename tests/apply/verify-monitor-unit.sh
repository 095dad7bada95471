#!/bin/bash
# systemd-analyze verify on the generated vrdma-monitor.service (with
# vrdma-apply.service beside it, which it is ordered after): ExecStart
# pointed at the build's vrdmactl; any diagnostic fails.  Then its shape: a
# long-running vrdmactl monitor --reapply on the configuration, restarted on
# failure, after the boot apply.
# usage: verify-monitor-unit.sh MONITOR_UNIT APPLY_UNIT VRDMACTL BINDIR
set -u
unit=$1 apply_unit=$2 vrdmactl=$(realpath "$3") bindir=$4
command -v systemd-analyze >/dev/null || { echo "no systemd-analyze; skipped"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -qE "^ExecStart=$bindir/vrdmactl --config /[^ ]+/vrdma\.json monitor --reapply\$" "$unit" ||
	fail "ExecStart is not '$bindir/vrdmactl --config CONFIG monitor --reapply': $(grep ExecStart "$unit")"
for u in "$unit" "$apply_unit"; do
	sed "s|^ExecStart=$bindir/vrdmactl |ExecStart=$vrdmactl |" "$u" > "$tmp/$(basename "$u")"
done
name=$(basename "$unit")
grep -q "^ExecStart=$vrdmactl " "$tmp/$name" || fail "ExecStart not substituted"
! grep -n '@[a-z]*@' "$tmp/$name" || fail "unsubstituted placeholders"

out=$(cd "$tmp" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no "./$name" 2>&1)
rc=$?
[ -n "$out" ] && echo "$out"
[ $rc = 0 ] || fail "systemd-analyze verify: exit $rc"
[ -z "$out" ] || fail "systemd-analyze verify printed diagnostics"

# vrdmactl takes the unit's command line (monitor parses its options first).
"$vrdmactl" --config /nonexistent monitor --reapply --help >/dev/null ||
	fail "vrdmactl does not take the unit's command line"

key() { sed -n "s/^$1=//p" "$tmp/$name"; }
[ "$(key Type)" = simple ] || fail "Type=$(key Type)"
[ "$(key Restart)" = on-failure ] || fail "Restart=$(key Restart)"
key ConditionPathExists | grep -q '/vrdma\.json$' || fail "no ConditionPathExists on the configuration"
[[ " $(key After | tr '\n' ' ') " == *" vrdma-apply.service "* ]] || fail "not ordered after vrdma-apply.service"
[ "$(key WantedBy)" = multi-user.target ] || fail "WantedBy=$(key WantedBy)"
echo OK
