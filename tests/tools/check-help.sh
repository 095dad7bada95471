#!/bin/sh
# Every vrdmactl command answers --help with its usage and exit status 0, and
# the exit statuses documented in vrdmactl(1) are reachable:
# 0 ok, 1 failure, 2 usage, 3 validation found problems (checked by the
# binding suites, which own a configuration with problems).
# usage: check-help.sh VRDMACTL
set -u
tool=$1
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

cmds=$("$tool" commands) || { echo "vrdmactl commands failed" >&2; exit 1; }
[ -n "$cmds" ] || { echo "no commands listed" >&2; exit 1; }
echo "$cmds" | while IFS= read -r c; do
	# shellcheck disable=SC2086
	out=$("$tool" $c --help 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then echo "FAIL: '$c --help' exited $rc" >&2; exit 1; fi
	case $out in *"Usage: vrdmactl $c"*) ;; *) echo "FAIL: '$c --help' shows no usage" >&2; exit 1 ;; esac
done && ok || bad "some --help"

"$tool" --help >/dev/null 2>&1 && ok || bad "--help"
"$tool" version >/dev/null 2>&1 && ok || bad "exit 0 (version)"
"$tool" no-such-command >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "exit 2 for an unknown command"
"$tool" version extra >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "exit 2 for an extra argument"
"$tool" --host >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "exit 2 for --host without FILE"
# Exit 1: a real failure (unreadable snapshot), where the command exists.
if echo "$cmds" | grep -qx 'rdma device list'; then
	"$tool" --host /nonexistent/snapshot.json rdma device list >/dev/null 2>&1
	[ $? -eq 1 ] && ok || bad "exit 1 for a missing snapshot"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
