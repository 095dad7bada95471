#!/bin/sh
# vrdmactl nvme discover/connect/disconnect and iser iface --write on the
# multipath fixture (vmk1 and vmk2 in 192.168.50.0/24 and fd00:50::/64, each
# through its own port group, uplink and adapter):
# - bad input exits 2 naming what is wrong, and nothing is attempted;
# - built with libnvme, a target this machine cannot reach (no such netdev,
#   no RDMA, usually no /dev/nvme-fabrics) fails on every path, one line
#   (one JSON object) per path, exit 1, and no controller is left behind
#   (/sys/class/nvme before and after); a link-local target takes the scope
#   of the path's netdev;
# - built without libnvme, the three commands check their arguments, then
#   say what they lack (exit 1);
# - iser iface --write writes the bound vmks' iface records (0600, in a
#   directory made 0700), atomically (no temporary file left), read back by
#   iscsiadm in a private mount namespace (root only), and refuses a
#   directory it cannot write (exit 1, nothing written).
# Expected values are the fixture's (tests/binding/fixtures/multipath-*);
# JSON is read with Python's own parser.
# usage: cli-storage.sh VRDMACTL FIXTURES_DIR libnvme|no-libnvme
set -u
tool=$1
fx=$2
mode=$3
case $mode in
libnvme | no-libnvme) ;;
*) echo "usage: $0 VRDMACTL FIXTURES_DIR libnvme|no-libnvme" >&2; exit 2 ;;
esac
pass=0
fail=0
skip=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
skipped() { skip=$((skip + 1)); echo "SKIP: $*" >&2; }
v() { "$tool" --host "$fx/multipath-host.json" --config "$fx/multipath-config.json" "$@"; }
expect() { [ "$3" = "$2" ] && ok || bad "$1: got '$3', want '$2'"; }
has() { printf '%s\n' "$2" | grep -qF -- "$3" && ok || bad "$1: '$3' not in '$2'"; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# Root can run iscsiadm on a private /etc/iscsi (a bind mount in its own
# mount namespace) and make a read-only directory.
ns=false
[ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null && ns=true

# run ARGS...: vrdmactl on the fixture; sets rc, out (stdout) and err (stderr).
run() {
	v "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# The kernel's NVMe controllers and subsystems, as sysfs lists them.
nvme_state() { ls /sys/class/nvme /sys/class/nvme-subsystem 2>/dev/null | tr '\n' ' '; }
nvme_before=$(nvme_state)

# refused WHAT TEXT ARGS...: exit 2, stderr names TEXT and gives the usage,
# nothing on stdout, nothing attempted (no word of libnvme or nvme-fabrics,
# no controller), and no "built without libnvme" either: arguments first.
refused() {
	what=$1 text=$2
	shift 2
	run "$@"
	if [ $rc -ne 2 ]; then
		bad "$what: rc $rc, want 2: $err"
	elif ! printf '%s\n' "$err" | grep -qF -- "$text"; then
		bad "$what: the message does not name '$text': $err"
	elif ! printf '%s\n' "$err" | grep -q "^Usage: vrdmactl nvme "; then
		bad "$what: no usage line: $err"
	elif [ -n "$out" ]; then
		bad "$what: printed '$out'"
	elif printf '%s\n' "$err" | grep -qi -e libnvme -e nvme-fabrics; then
		bad "$what: attempted: $err"
	elif [ "$(nvme_state)" != "$nvme_before" ]; then
		bad "$what: /sys/class/nvme changed: '$nvme_before' -> '$(nvme_state)'"
	else
		ok
	fi
}

t=192.168.50.200
nqn=nqn.2014-08.org.example:d1
# 223 bytes: the longest NQN; 224: one too many.
nqn223=nqn.2014-08.org.example:$(printf '%0199d' 0)
nqn224=${nqn223}1
expect "NQN lengths" "223 224" "${#nqn223} ${#nqn224}"

# ---- bad input: exit 2, named, nothing attempted (both builds) ----------------
refused "discover: no --target" "--target ADDR is required" nvme discover
refused "discover: --target without a value" "unexpected argument '--target'" \
	nvme discover --target
refused "discover: port 65536" "--trsvcid '65536': expected a port number 1-65535" \
	nvme discover --target $t -s 65536
refused "discover: port 0" "--trsvcid '0'" nvme discover --target $t --trsvcid 0
refused "discover: port not a number" "--trsvcid '44x'" nvme discover --target $t -s 44x
refused "discover: unknown option" "unexpected argument '--bogus'" nvme discover --target $t --bogus
refused "discover: --nqn is connect's" "unexpected argument '--nqn'" \
	nvme discover --target $t --nqn $nqn
refused "discover: --hostnqn with ','" "--hostnqn 'nqn.x:a,b'" \
	nvme discover --target $t --hostnqn nqn.x:a,b
refused "discover: --hostnqn of 224 bytes" "--hostnqn: the NQN is 224 bytes, at most 223" \
	nvme discover --target $t --hostnqn "$nqn224"
refused "connect: no --nqn" "--nqn NQN is required" nvme connect --target $t
refused "connect: no --target" "--target ADDR is required" nvme connect --nqn $nqn
refused "connect: NQN of 224 bytes" "--nqn: the NQN is 224 bytes, at most 223" \
	nvme connect --target $t --nqn "$nqn224"
refused "connect: NQN with ','" "--nqn 'nqn.x:a,traddr'" nvme connect --target $t --nqn nqn.x:a,traddr
refused "connect: NQN with '='" "--nqn 'nqn.x:a=b'" nvme connect --target $t --nqn nqn.x:a=b
refused "connect: NQN with a blank" "--nqn 'nqn.x:a b'" nvme connect --target $t --nqn "nqn.x:a b"
refused "connect: empty NQN" "--nqn: the NQN is empty" nvme connect --target $t --nqn ""
refused "connect: port 65536" "--trsvcid '65536'" nvme connect --target $t --nqn $nqn -s 65536
refused "connect: unknown option" "unexpected argument '--bogus'" \
	nvme connect --target $t --nqn $nqn --bogus
refused "connect: --hostnqn with '='" "--hostnqn 'nqn.x:h=1'" \
	nvme connect --target $t --nqn $nqn --hostnqn nqn.x:h=1
refused "disconnect: no --nqn" "--nqn NQN is required" nvme disconnect
refused "disconnect: NQN with ','" "--nqn 'nqn.x:a,b'" nvme disconnect --nqn nqn.x:a,b
refused "disconnect: NQN of 224 bytes" "the NQN is 224 bytes" nvme disconnect --nqn "$nqn224"
refused "disconnect: --target is connect's" "unexpected argument '--target'" \
	nvme disconnect --nqn $nqn --target $t
refused "disconnect: unknown option" "unexpected argument '--bogus'" nvme disconnect --nqn $nqn --bogus

# ---- a link-local target takes the scope of the path's netdev ----------------
expect "connect-args fe80::1%vmk2" \
	"nvme connect -t rdma -a fe80::1%ens1f1 -s 4420 -w fe80::5054:ff:fe00:102%ens1f1" \
	"$(v nvme connect-args --target fe80::1%vmk2)"
expect "connect-args fe80::1%ens1f0 (netdev scope)" \
	"nvme connect -t rdma -a fe80::1%ens1f0 -s 4420 -w fe80::5054:ff:fe00:101%ens1f0" \
	"$(v nvme connect-args --target fe80::1%ens1f0)"

if [ "$mode" = no-libnvme ]; then
	# ---- without libnvme: arguments checked, then "built without libnvme" ----
	for cmd in "discover --target $t" "connect --target $t --nqn $nqn" "disconnect --nqn $nqn"; do
		# shellcheck disable=SC2086 # the words of $cmd are its arguments
		run nvme $cmd
		[ $rc -eq 1 ] && [ -z "$out" ] &&
			printf '%s\n' "$err" | grep -q "^vrdmactl: nvme ${cmd%% *}: vrdmactl was built without libnvme" &&
			ok || bad "nvme $cmd without libnvme: rc $rc: $out$err"
	done
	run -j nvme connect --target $t --nqn "$nqn223" --single --keep-partial
	[ $rc -eq 1 ] && [ -z "$out" ] && printf '%s\n' "$err" | grep -q "built without libnvme" &&
		ok || bad "-j connect (223-byte NQN) without libnvme: rc $rc: $out$err"
	run nvme connect --target not-an-address --nqn $nqn
	[ $rc -eq 1 ] && printf '%s\n' "$err" | grep -q "built without libnvme" &&
		ok || bad "connect to no address without libnvme: rc $rc: $err"
else
	# ---- with libnvme: no path reaches the target ----------------------------
	run nvme connect --target not-an-address --nqn $nqn
	[ $rc -eq 1 ] && [ -z "$out" ] &&
		printf '%s\n' "$err" | grep -qF "target 'not-an-address': not an IPv4 or IPv6 address" &&
		! printf '%s\n' "$err" | grep -q nvme-fabrics && ok ||
		bad "connect to no address: rc $rc: $out$err"
	run nvme discover --target fe80::1%vmk9
	[ $rc -eq 1 ] && [ -z "$out" ] && printf '%s\n' "$err" | grep -qF "scope 'vmk9' names no vmk" &&
		ok || bad "discover, unknown vmk scope: rc $rc: $out$err"
	run nvme connect --target 2001:db8::1 --nqn $nqn
	[ $rc -eq 1 ] && [ -z "$out" ] && printf '%s\n' "$err" | grep -qF "no vmk reaches it" &&
		ok || bad "connect, no vmk reaches the target: rc $rc: $out$err"

	# ---- with libnvme: every path fails, one line each, nothing left -----------
	# Without /dev/nvme-fabrics, each path's error says so.
	fabrics=
	[ -e /dev/nvme-fabrics ] || fabrics="cannot open /dev/nvme-fabrics"
	run nvme discover --target $t
	expect "discover rc" 1 "$rc"
	expect "discover: failed paths" \
		"vmk1 192.168.50.11 -> 192.168.50.200:4420 (vmrdma0 port 1, vmnic1): failed
vmk2 192.168.50.12 -> 192.168.50.200:4420 (vmrdma1 port 1, vmnic2): failed" \
		"$(printf '%s\n' "$out" | sed -n 's/^\(.*: failed\): ..*/\1/p')"
	expect "discover: lines" 2 "$(printf '%s\n' "$out" | wc -l | tr -d ' ')"
	expect "discover: each path's error" 2 \
		"$(printf '%s\n' "$out" | grep -c ": failed: cannot connect the discovery controller: .*$fabrics")"
	has "discover: summary" "$err" "target 192.168.50.200: 2 of 2 paths could not read the discovery log"

	run nvme connect --target $t --nqn $nqn
	expect "connect rc" 1 "$rc"
	expect "connect: failed paths" \
		"vmk1 192.168.50.11 -> 192.168.50.200:4420 (vmrdma0 port 1, vmnic1): failed
vmk2 192.168.50.12 -> 192.168.50.200:4420 (vmrdma1 port 1, vmnic2): failed" \
		"$(printf '%s\n' "$out" | sed -n 's/^\(.*: failed\): ..*/\1/p')"
	expect "connect: lines" 2 "$(printf '%s\n' "$out" | wc -l | tr -d ' ')"
	expect "connect: each path's error" 2 "$(printf '%s\n' "$out" | grep -c ": failed: .*$fabrics")"
	has "connect: summary" "$err" "nqn $nqn: 2 of 2 paths failed; nothing is left connected"

	# -j: one object per path, every field; no entries when the log was not read.
	pyjson='
import json, sys
want_nqn = sys.argv[1] if sys.argv[1] != "-" else None
a = json.load(sys.stdin)
print(";".join(",".join(str(p[k]) for k in ("vmknic", "host_traddr", "traddr", "trsvcid",
      "transport", "adapter", "device", "uplink", "netdev", "result", "controller"))
      + ",%s,%s,%s" % (p["nqn"] == want_nqn, isinstance(p["error"], str) and p["error"] != "",
                       "entries" in p)
      for p in a))'
	run -j nvme discover --target $t -s 8009
	expect "-j discover rc" 1 "$rc"
	expect "-j discover" "vmk1,192.168.50.11,192.168.50.200,8009,rdma,rxe0,vmrdma0,vmnic1,ens1f0,failed,None,True,True,False;vmk2,192.168.50.12,192.168.50.200,8009,rdma,rxe1,vmrdma1,vmnic2,ens1f1,failed,None,True,True,False" \
		"$(printf '%s\n' "$out" | python3 -c "$pyjson" -)"
	run -j nvme connect --target $t --nqn $nqn
	expect "-j connect rc" 1 "$rc"
	expect "-j connect" "vmk1,192.168.50.11,192.168.50.200,4420,rdma,rxe0,vmrdma0,vmnic1,ens1f0,failed,None,True,True,False;vmk2,192.168.50.12,192.168.50.200,4420,rdma,rxe1,vmrdma1,vmnic2,ens1f1,failed,None,True,True,False" \
		"$(printf '%s\n' "$out" | python3 -c "$pyjson" $nqn)"

	# A link-local target over vmk2 only, scoped by its netdev.
	run -j nvme connect --target fe80::1%vmk2 --nqn $nqn
	expect "-j connect fe80::1%vmk2" "vmk2,fe80::5054:ff:fe00:102%ens1f1,fe80::1%ens1f1,4420,rdma,rxe1,vmrdma1,vmnic2,ens1f1,failed,None,True,True,False" \
		"$(printf '%s\n' "$out" | python3 -c "$pyjson" $nqn)"
	run nvme connect --target fe80::1%vmk2 --nqn $nqn
	expect "connect fe80::1%vmk2" \
		"1 vmk2 fe80::5054:ff:fe00:102%ens1f1 -> [fe80::1%ens1f1]:4420 (vmrdma1 port 1, vmnic2): failed" \
		"$rc $(printf '%s\n' "$out" | sed -n 's/^\(.*: failed\): ..*/\1/p')"

	# --single: the first path only; --keep-partial: nothing connected to keep;
	# the longest NQN is accepted.
	run nvme connect --single --target $t --nqn "$nqn223"
	expect "connect --single (223-byte NQN)" "1 1" \
		"$rc $(printf '%s\n' "$out" | grep -c '^vmk1 .*: failed: ')"
	has "connect --single: summary" "$err" "1 of 1 paths failed; nothing is left connected"
	run nvme connect --keep-partial --target $t --nqn $nqn
	expect "connect --keep-partial" "1 2" "$rc $(printf '%s\n' "$out" | grep -c ': failed: ')"
	has "connect --keep-partial: summary" "$err" "2 of 2 paths failed (--keep-partial: the others stay connected)"

	# disconnect: nothing connected is no error.
	run nvme disconnect --nqn $nqn
	expect "disconnect, none connected" "0 nqn $nqn: no RDMA controller is connected" "$rc $out"
	run -j nvme disconnect --nqn $nqn
	expect "-j disconnect, none connected" "0 0" \
		"$rc $(printf '%s\n' "$out" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')"
fi
expect "no controller left behind (/sys/class/nvme)" "$nvme_before" "$(nvme_state)"

# ---- iser iface --write -------------------------------------------------------
# field FILE KEY: the value of "KEY = VALUE" in an iface record.
field() { sed -n "s/^$2 = //p" "$1"; }
# record WHAT FILE NAME ADDR NETDEV: the four settings of one iface record.
record() {
	expect "$1: iscsi_ifacename" "$3" "$(field "$2" iface.iscsi_ifacename)"
	expect "$1: transport_name" "iser" "$(field "$2" iface.transport_name)"
	expect "$1: ipaddress" "$4" "$(field "$2" iface.ipaddress)"
	expect "$1: net_ifacename" "$5" "$(field "$2" iface.net_ifacename)"
}
lsd() { ls -A "$1" 2>&1 | tr '\n' ' ' | sed 's/ $//'; }

# A missing directory (its parent exists) is made 0700; each record 0600.
mkdir "$tmp/etc"
d=$tmp/etc/ifaces
run iser iface --write "$d"
expect "--write rc" 0 "$rc"
expect "--write output" "vrdma-vmk1: wrote $d/vrdma-vmk1
vrdma-vmk2: wrote $d/vrdma-vmk2" "$out"
expect "--write: files" "vrdma-vmk1 vrdma-vmk2" "$(lsd "$d")"
expect "--write: directory mode" 700 "$(stat -c %a "$d")"
expect "--write: file modes" "600 600" "$(stat -c %a "$d/vrdma-vmk1" "$d/vrdma-vmk2" | tr '\n' ' ' | sed 's/ $//')"
record "vrdma-vmk1" "$d/vrdma-vmk1" vrdma-vmk1 192.168.50.11 ens1f0
record "vrdma-vmk2" "$d/vrdma-vmk2" vrdma-vmk2 192.168.50.12 ens1f1

# A rewrite replaces the records whole (a new file each, renamed over the
# old), keeps other files and the directory's mode, leaves no temporary file.
printf 'iface.iscsi_ifacename = vrdma-vmk1\niface.ipaddress = 10.9.9.9\n' >"$d/vrdma-vmk1"
echo other >"$d/keep-me"
chmod 0750 "$d"
ino=$(stat -c %i "$d/vrdma-vmk1")
run -j iser iface --write="$d"
expect "rewrite rc" 0 "$rc"
expect "rewrite: files (no temporary one)" "keep-me vrdma-vmk1 vrdma-vmk2" "$(lsd "$d")"
expect "rewrite: the stale record replaced" 192.168.50.11 "$(field "$d/vrdma-vmk1" iface.ipaddress)"
[ "$(stat -c %i "$d/vrdma-vmk1")" != "$ino" ] && ok || bad "rewrite: vrdma-vmk1 written in place"
expect "rewrite: other file, modes" "other 750 600" \
	"$(cat "$d/keep-me") $(stat -c %a "$d") $(stat -c %a "$d/vrdma-vmk1")"
expect "rewrite -j" "vrdma-vmk1,iser,192.168.50.11,ens1f0,$d/vrdma-vmk1;vrdma-vmk2,iser,192.168.50.12,ens1f1,$d/vrdma-vmk2" \
	"$(printf '%s\n' "$out" | python3 -c '
import json, sys
print(";".join(",".join(str(p[k]) for k in ("iface.iscsi_ifacename", "iface.transport_name",
      "iface.ipaddress", "iface.net_ifacename", "file")) for p in json.load(sys.stdin)))')"
chmod 0700 "$d"
rm -f "$d/keep-me"

# -i VMK and --target --single write that one iface only.
run iser iface -i vmk2 --write "$tmp/one"
expect "-i vmk2 --write" "0 vrdma-vmk2" "$rc $(lsd "$tmp/one")"
run iser iface --target 192.168.50.9 --single --write "$tmp/single"
expect "--target --single --write" "0 vrdma-vmk1" "$rc $(lsd "$tmp/single")"
run iser iface -i vmk9 --write "$tmp/unknown"
[ $rc -eq 1 ] && printf '%s\n' "$err" | grep -qF "no vmk 'vmk9'" && [ ! -e "$tmp/unknown" ] &&
	ok || bad "-i vmk9 --write: rc $rc, $(lsd "$tmp/unknown"): $err"
run iser iface --write ""
[ $rc -eq 2 ] && printf '%s\n' "$err" | grep -qF -- "--write DIR: the directory name is empty" &&
	ok || bad "--write '': rc $rc: $err"

# wrote_nothing WHAT DIR TEXT: exit 1, the error names DIR and TEXT, no output.
wrote_nothing() {
	[ $rc -eq 1 ] && [ -z "$out" ] && printf '%s\n' "$err" | grep -qF "iface directory '$2': " &&
		printf '%s\n' "$err" | grep -qF "$3" && ok || bad "$1: rc $rc: $out$err"
}
run iser iface --write "$tmp/nope/ifaces"
wrote_nothing "missing parent" "$tmp/nope/ifaces" "No such file or directory"
[ ! -e "$tmp/nope" ] && ok || bad "missing parent: $tmp/nope created"
: >"$tmp/afile"
run iser iface --write "$tmp/afile/x"
wrote_nothing "under a file" "$tmp/afile/x" "Not a directory"
mkdir "$tmp/ro"
if $ns; then
	# A read-only bind mount, in a namespace of its own.
	unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"' \
		sh "$tmp/ro" "$tool" --host "$fx/multipath-host.json" --config "$fx/multipath-config.json" \
		iser iface --write "$tmp/ro" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	text="cannot create a file: Read-only file system"
else
	chmod 0500 "$tmp/ro"
	run iser iface --write "$tmp/ro"
	text="cannot create a file: Permission denied"
fi
out=$(cat "$tmp/out")
err=$(cat "$tmp/err")
wrote_nothing "unwritable directory" "$tmp/ro" "$text"
chmod 0700 "$tmp/ro"
expect "unwritable directory: nothing written" "" "$(lsd "$tmp/ro")"

# iscsiadm reads the records back from its own /etc/iscsi (a bind mount of
# $tmp/etc in a private mount namespace).  Root only.
if $ns && command -v iscsiadm >/dev/null 2>&1; then
	isa() {
		unshare -m sh -c 'mount --bind "$1" /etc/iscsi && shift && exec iscsiadm "$@"' \
			sh "$tmp/etc" "$@" 2>&1
	}
	for n in 1 2; do
		isa -m iface -I vrdma-vmk$n >"$tmp/iface$n"
		record "iscsiadm -I vrdma-vmk$n" "$tmp/iface$n" vrdma-vmk$n 192.168.50.1$n ens1f$((n - 1))
	done
	got=$(isa -m iface)
	has "iscsiadm -m iface: vrdma-vmk1" "$got" "vrdma-vmk1 iser,<empty>,192.168.50.11,ens1f0,<empty>"
	has "iscsiadm -m iface: vrdma-vmk2" "$got" "vrdma-vmk2 iser,<empty>,192.168.50.12,ens1f1,<empty>"

	# --write without DIR: /etc/iscsi/ifaces (here the namespace's).
	mkdir "$tmp/etc2"
	real=$(lsd /etc/iscsi/ifaces)
	unshare -m sh -c 'mount --bind "$1" /etc/iscsi && shift && exec "$@"' sh "$tmp/etc2" \
		"$tool" --host "$fx/multipath-host.json" --config "$fx/multipath-config.json" \
		iser iface --write >"$tmp/out" 2>&1
	expect "--write (default /etc/iscsi/ifaces)" "0 vrdma-vmk1 vrdma-vmk2" "$? $(lsd "$tmp/etc2/ifaces")"
	has "--write (default): output" "$(cat "$tmp/out")" "vrdma-vmk2: wrote /etc/iscsi/ifaces/vrdma-vmk2"
	expect "the real /etc/iscsi/ifaces untouched" "$real" "$(lsd /etc/iscsi/ifaces)"
else
	skipped "iscsiadm read-back and the default directory (need root, unshare and iscsiadm)"
fi

echo "$pass passed, $fail failed, $skip skipped ($mode)"
[ $fail -eq 0 ]
