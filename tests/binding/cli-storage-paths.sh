#!/bin/sh
# vrdmactl storage path list [-j] and binding check's storage findings on the
# fake sysfs tree fixtures/storage-sysfs ($VRDMA_SYSFS) with the multipath
# fixture's bindings and, built with -Dtest_hooks, the CM ids of
# fixtures/storage-cm-ids ($VRDMA_TEST_STORAGE_CM_IDS).  Expected values are
# the fixture files' (read with cat); the JSON is read with Python's parser.
# usage: cli-storage-paths.sh VRDMACTL FIXTURES_DIR
set -u
tool=$1
fx=$2
sys=$fx/storage-sysfs
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
v() {
	VRDMA_SYSFS=$sys VRDMA_TEST_STORAGE_CM_IDS=$fx/storage-cm-ids \
		"$tool" --host "$fx/multipath-host.json" --config "$fx/multipath-config.json" "$@"
}
expect() { [ "$3" = "$2" ] && ok || bad "$1: got '$3', want '$2'"; }

# The table: one row per RDMA controller / iSER session, in kernel order.
out=$(v storage path list); rc=$?
expect "list rc" 0 "$rc"
expect "rows" "nvme0 nvme1 nvme2 nvme10 session1" \
	"$(printf '%s\n' "$out" | awk 'NR > 2 { printf "%s%s", sep, $1; sep = " " }')"
expect "header" "Name Transport Target Port Target Name Source Vmknic Device Uplink State Binding Tx Pkts Rx Pkts Errors" \
	"$(printf '%s\n' "$out" | sed -n 1p | tr -s ' ')"
expect "nvme0 row" "nvme0 nvme-rdma 192.168.50.200 4420 $(cat $sys/class/nvme/nvme0/subsysnqn) 192.168.50.11 vmk1 vmrdma0 vmnic1 live bound $(cat $sys/class/infiniband/rxe0/ports/1/hw_counters/sent_pkts) $(cat $sys/class/infiniband/rxe0/ports/1/hw_counters/rcvd_pkts) 0" \
	"$(printf '%s\n' "$out" | grep '^nvme0 ' | tr -s ' ')"
expect "nvme2 row (source no vmk's)" "nvme2 nvme-rdma 192.168.50.201 4420 $(cat $sys/class/nvme/nvme2/subsysnqn) 192.168.50.99 - vmrdma0 - connecting none" \
	"$(printf '%s\n' "$out" | grep '^nvme2 ' | tr -s ' ' | cut -d' ' -f1-11)"
expect "session1 row" "session1 iser $(cat $sys/class/iscsi_connection/connection1:0/address) 3260 $(cat $sys/class/iscsi_session/session1/targetname) 192.168.50.11 vmk1 vmrdma0 vmnic1 LOGGED_IN bound" \
	"$(printf '%s\n' "$out" | grep '^session1 ' | tr -s ' ' | cut -d' ' -f1-11)"

# -j: every field, every counter, the session's finding codes.
got=$(v -j storage path list | python3 -c '
import json, sys
a = json.load(sys.stdin)
print(";".join(",".join(str(p[k]) for k in ("name", "transport", "target_address", "target_port",
      "source_address", "vmknic", "device", "adapter", "port", "uplink", "state", "live",
      "binding")) + ",%s,%s" % (p["counters"].get("rcvd_seq_err"), "|".join(p["findings"]))
      for p in a))')
expect "-j" "nvme0,nvme-rdma,192.168.50.200,4420,192.168.50.11,vmk1,vmrdma0,rxe0,1,vmnic1,live,True,bound,None,;nvme1,nvme-rdma,192.168.50.200,4420,192.168.50.12,vmk2,vmrdma1,rxe1,1,vmnic2,live,True,bound,$(cat $sys/class/infiniband/rxe1/ports/1/hw_counters/rcvd_seq_err),;nvme2,nvme-rdma,192.168.50.201,4420,192.168.50.99,None,vmrdma0,rxe0,1,None,connecting,False,none,None,VRDMA-B080;nvme10,nvme-rdma,fd00:50::abcd,4421,fd00:50::12,vmk2,vmrdma1,rxe1,1,vmnic2,live,True,bound,$(cat $sys/class/infiniband/rxe1/ports/1/hw_counters/rcvd_seq_err),;session1,iser,192.168.50.210,3260,192.168.50.11,vmk1,vmrdma0,rxe0,1,vmnic1,LOGGED_IN,True,bound,None," "$got"

# binding check: the storage findings follow the bindings' (exit 3).
out=$(v rdma device binding check); rc=$?
expect "check rc" 3 "$rc"
expect "check codes" "VRDMA-B080" "$(printf '%s\n' "$out" | awk '/^(warning|error|info) /{print $2}' | tr '\n' ' ' | sed 's/ $//')"
printf '%s\n' "$out" | grep -q "nvme2 to 192.168.50.201 port 4420: its source 192.168.50.99" && ok ||
	bad "check names nvme2 and its source: $out"
out=$(v rdma device binding check --idle-vmks); rc=$?
expect "--idle-vmks codes" "VRDMA-B083 VRDMA-B080" "$(printf '%s\n' "$out" | awk '/^(warning|error|info) /{print $2}' | tr '\n' ' ' | sed 's/ $//')"
printf '%s\n' "$out" | grep -q "vmk2 is tagged iser" && ok || bad "--idle-vmks names vmk2: $out"
got=$(v -j rdma device binding check --idle-vmks | python3 -c '
import json, sys; o = json.load(sys.stdin); print(o["warnings"], o["problems"])')
expect "check -j counts" "2 2" "$got"
# -d vmrdma1: only what involves it (the B083 on vmk2's binding)
expect "-d vmrdma1" "VRDMA-B083" "$(v rdma device binding check --idle-vmks -d vmrdma1 | awk '/^(warning|error|info) /{print $2}')"

# No storage classes at all: an empty list, exit 0.
out=$(VRDMA_SYSFS=$fx "$tool" --host "$fx/multipath-host.json" --config "$fx/multipath-config.json" -j storage path list); rc=$?
expect "empty tree" "0 []" "$rc $(printf '%s' "$out" | tr -d ' \n')"
# Bad input: an argument it does not take (exit 2).
out=$(v storage path list --bogus 2>&1); rc=$?
[ $rc -eq 2 ] && ok || bad "unknown option: rc $rc: $out"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
