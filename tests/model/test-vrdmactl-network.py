#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""vrdmactl network commands: the ESXi workflow through the tool, checked by
reading the saved configuration file with Python's own JSON parser (an
independent observer), plus refusals with exit status 1 and a message."""
import json
import os
import subprocess
import sys
import tempfile

VRDMACTL = sys.argv[1]
failures = 0


def run(cfg, *args, rc=0, err=None):
    global failures
    p = subprocess.run([VRDMACTL, '--config', cfg, *args], capture_output=True, text=True)
    ok = p.returncode == rc and (err is None or err in p.stderr)
    if not ok:
        failures += 1
        print(f'FAIL: {" ".join(args)}: rc {p.returncode} (want {rc}), stderr {p.stderr!r}'
              f' (want {err!r})')
    return p.stdout


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print(f'FAIL: {what}')


with tempfile.TemporaryDirectory() as d:
    os.chmod(d, 0o700)
    cfg = os.path.join(d, 'etc', 'vrdma', 'vrdma.json')  # directory created by the tool
    S = ['network', 'vswitch', 'standard']
    I = ['network', 'ip', 'interface']
    run(cfg, *S, 'add', '-v', 'vSwitch1')
    run(cfg, *S, 'set', '-v', 'vSwitch1', '-m', '9000')
    run(cfg, *S, 'uplink', 'add', '-v', 'vSwitch1', '-u', 'vmnic1')
    run(cfg, *S, 'uplink', 'add', '-v', 'vSwitch1', '-u', 'vmnic2')
    run(cfg, *S, 'portgroup', 'add', '-v', 'vSwitch1', '-p', 'RDMA-PG')
    run(cfg, *S, 'portgroup', 'set', '-p', 'RDMA-PG', '--vlan-id', '0')
    run(cfg, *S, 'portgroup', 'policy', 'failover', 'set', '-p', 'RDMA-PG', '-a', 'vmnic1')
    run(cfg, *I, 'add', '-i', 'vmk1', '-p', 'RDMA-PG', '-m', '9000')
    run(cfg, *I, 'ipv4', 'set', '-i', 'vmk1', '-I', '192.168.100.11', '-N', '255.255.255.0',
        '-t', 'static')
    run(cfg, *I, 'ipv6', 'address', 'add', '-i', 'vmk1', '-I', 'fd00:100::11/64')
    run(cfg, *I, 'tag', 'add', '-i', 'vmk1', '-t', 'nvme-rdma')

    # refusals: exit 1, file unchanged
    before = open(cfg).read()
    run(cfg, *S, 'add', '-v', 'vSwitch1', rc=1, err="switch 'vSwitch1': a switch with this name exists")
    run(cfg, *S, 'set', '-v', 'vSwitch1', '-m', '99999', rc=1, err='out of range 1280-9000')
    run(cfg, *S, 'add', '-v', 'vSwitch2', rc=0)
    run(cfg, *S, 'uplink', 'add', '-v', 'vSwitch2', '-u', 'vmnic1', rc=1,
        err="uplink 'vmnic1' is already used by switch 'vSwitch1'")
    run(cfg, *S, 'portgroup', 'policy', 'failover', 'set', '-p', 'RDMA-PG', '-a', 'vmnic1',
        '-s', 'vmnic1', rc=1, err='is both active and standby')
    run(cfg, *S, 'portgroup', 'set', '-p', 'RDMA-PG', '--vlan-id', '4096', rc=1,
        err='VLAN ID 4096 out of range')
    run(cfg, *S, 'portgroup', 'remove', '-p', 'RDMA-PG', rc=1, err="vmk 'vmk1' uses it")
    run(cfg, *I, 'ipv4', 'set', '-i', 'vmk1', '-I', '192.168.100.0/24', rc=1,
        err='network address')
    run(cfg, *I, 'add', '-i', 'vmk1', '-p', 'RDMA-PG', rc=1, err="vmk 'vmk1': already exists")
    run(cfg, *I, 'set', '-i', 'vmk1', '-m', '9001', rc=1, err='out of range')
    run(cfg, *S, 'portgroup', 'add', '-v', 'vSwitch1', rc=2, err='missing required option -p')
    run(cfg, *S, 'add', '-v', 'x', '-u', 'vmnic9', rc=2, err='does not apply here')
    run(cfg, *S, 'remove', '-v', 'vSwitch2')
    after = open(cfg).read()
    check(json.loads(after)['generation'] == json.loads(before)['generation'] + 2,
          'only the two successful commands saved')

    doc = json.loads(after)
    check(doc['schema'] == 'vrdma-config/1', 'schema')
    sw = doc['switches']
    check(len(sw) == 1 and sw[0]['name'] == 'vSwitch1' and sw[0]['mtu'] == 9000, 'switch')
    check(sw[0]['uplinks'] == ['vmnic1', 'vmnic2'], 'uplinks in order')
    check(sw[0]['failover'] == {'active': ['vmnic1', 'vmnic2'], 'standby': []}, 'switch policy')
    pg = sw[0]['portgroups'][0]
    check(pg['name'] == 'RDMA-PG' and pg['vlan'] == 0, 'port group')
    check(pg['failover'] == {'active': ['vmnic1'], 'standby': []}, 'override')
    vmk = doc['vmks'][0]
    check(vmk['name'] == 'vmk1' and vmk['portgroup'] == 'RDMA-PG' and vmk['mtu'] == 9000, 'vmk')
    check(vmk['ipv4'] == '192.168.100.11/24', 'ipv4 from netmask')
    check(vmk['ipv6'] == ['fd00:100::11/64'], 'ipv6')
    check(vmk['tags'] == ['nvme-rdma'], 'tags')
    mac0 = int(vmk['mac'].split(':')[0], 16)
    check(mac0 & 3 == 2, 'generated MAC is locally administered unicast')
    check(oct(os.stat(cfg).st_mode & 0o777) == '0o644', 'file mode 0644')
    check(not [f for f in os.listdir(os.path.dirname(cfg)) if f.startswith('.vrdma.json.')],
          'no temporary file left')

    # JSON listings agree with the file
    lst = json.loads(run(cfg, '-j', *I, 'list'))
    check(lst[0]['name'] == 'vmk1' and lst[0]['mac'] == vmk['mac'] and lst[0]['lower'] == 'vSwitch1',
          'interface list -j')
    pgl = json.loads(run(cfg, '-j', *S, 'portgroup', 'list'))
    check(pgl[0]['active_clients'] == 1 and pgl[0]['device'] == 'vSwitch1', 'portgroup list -j')
    fo = json.loads(run(cfg, '-j', *S, 'portgroup', 'policy', 'failover', 'get', '-p', 'RDMA-PG'))
    check(fo == {'active': ['vmnic1'], 'standby': [], 'unused': ['vmnic2'], 'override': True},
          'effective failover')
    table = run(cfg, *I, 'list')
    check(table.splitlines()[0].split()[:2] == ['Name', 'Portgroup'] and 'vmk1' in table, 'table')

    # lowest free vmk number is printed when -i is omitted
    out = run(cfg, *I, 'add', '-p', 'RDMA-PG')
    check(out.strip() == 'vmk0', 'allocated vmk0')
    run(cfg, *I, 'remove', '-i', 'vmk0')

    # distributed switch with slots mapped to vmnics and a trunk port group
    D = ['network', 'vswitch', 'dvs']
    run(cfg, *D, 'add', '-v', 'DSwitch', '-n', '2')
    run(cfg, *D, 'uplink', 'set', '-v', 'DSwitch', '-U', 'Uplink 1', '-u', 'vmnic3')
    run(cfg, *D, 'portgroup', 'add', '-v', 'DSwitch', '-p', 'DPG', '--vlan-trunk', '30,10-20')
    run(cfg, *D, 'portgroup', 'add', '-v', 'DSwitch', '-p', 'X', '--vlan-id', '4095', rc=1,
        err='use VLAN trunk ranges')
    run(cfg, *S, 'remove', '-v', 'DSwitch', rc=1, err='is a distributed switch')
    ds = json.loads(open(cfg).read())['switches'][1]
    check(ds['uplinks'] == [{'name': 'Uplink 1', 'device': 'vmnic3'}, {'name': 'Uplink 2'}],
          'dvs slots')
    check(ds['portgroups'][0]['vlan'] == '10-20,30', 'trunk ranges sorted')

    # a broken file is reported with its JSON path, and not overwritten
    with open(cfg, 'w') as f:
        f.write('{"schema": "vrdma-config/1",\n "generation": 1,\n "switches": [{"name": "a",\n'
                ' "type": "standard", "mtu": 1}]}\n')
    run(cfg, *S, 'add', '-v', 'b', rc=1, err='vrdma.json: $.switches[0].mtu: ')

print('failures:', failures)
sys.exit(1 if failures else 0)
