#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""vrdmactl network commands: the ESXi workflow through the tool, checked by
reading the saved configuration file with Python's own JSON parser (an
independent observer), plus refusals with exit status 1 and a message."""
import json
import os
import shutil
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


def save_failures(cfg):
    """Saves refused by the library: the message names the real file."""
    # the lock file's name is taken by a directory: no lock, no save
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'vrdma.json')
        with open(cfg) as f, open(path, 'w') as g:
            g.write(f.read())
        os.mkdir(path + '.lock')
        before = open(path).read()
        run(path, 'network', 'vswitch', 'standard', 'add', '-v', 'vSwitchL', rc=1,
            err=f'cannot save configuration {path}: ')
        check(open(path).read() == before, 'refused save leaves the file alone')
    if os.geteuid() != 0:
        return
    # unprivileged, in a directory it cannot write
    setpriv = shutil.which('setpriv')
    if not setpriv:
        print('SKIP: no setpriv for the unprivileged save')
        return
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o755)
        path = os.path.join(d, 'vrdma.json')
        with open(cfg) as f, open(path, 'w') as g:
            g.write(f.read())
        os.chmod(path, 0o644)
        before = open(path).read()
        p = subprocess.run([setpriv, '--reuid=65534', '--regid=65534', '--clear-groups',
                            VRDMACTL, '--config', path, 'network', 'vswitch', 'standard', 'add',
                            '-v', 'vSwitchU'], capture_output=True, text=True)
        check(p.returncode == 1 and f'cannot save configuration {path}: ' in p.stderr,
              f'unprivileged save: rc {p.returncode}, stderr {p.stderr!r}')
        check(open(path).read() == before, 'unprivileged save leaves the file alone')


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
    # a gateway of the other family is refused, not moved to the other slot
    run(cfg, *I, 'ipv4', 'set', '-i', 'vmk1', '-I', '192.168.100.11/24', '-g', 'fd00:100::1',
        rc=2, err='-g fd00:100::1 is not an IPv4 address')
    run(cfg, *I, 'ipv6', 'set', '-i', 'vmk1', '-g', '192.168.100.1', rc=2,
        err='-g 192.168.100.1 is not an IPv6 address')
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

    # add and remove are told apart by the command's own verb: "ipv6 address
    # remove" contains " add" (address) and used to add
    def ipv6_of(name):
        return [v['ipv6'] for v in json.loads(open(cfg).read())['vmks'] if v['name'] == name][0]

    run(cfg, *I, 'ipv6', 'address', 'add', '-i', 'vmk1', '-I', 'fd02::9/64')
    check(ipv6_of('vmk1') == ['fd00:100::11/64', 'fd02::9/64'], 'ipv6 address add')
    run(cfg, *I, 'ipv6', 'address', 'remove', '-i', 'vmk1', '-I', 'fd02::8/64', rc=1,
        err="vmk 'vmk1': no IPv6 address fd02::8")
    check(ipv6_of('vmk1') == ['fd00:100::11/64', 'fd02::9/64'], 'removing an absent address adds nothing')
    run(cfg, *I, 'ipv6', 'address', 'remove', '-i', 'vmk1', '-I', 'fd02::9/48', rc=1,
        err='has prefix length 64, not 48')
    run(cfg, *I, 'ipv6', 'address', 'remove', '-i', 'vmk1', '-I', 'fd02:0::9/64')
    check(ipv6_of('vmk1') == ['fd00:100::11/64'], 'ipv6 address remove ADDR/PREFIX removes')
    run(cfg, *I, 'ipv6', 'address', 'add', '-i', 'vmk1', '-I', 'fd02::9/64')
    run(cfg, *I, 'ipv6', 'address', 'remove', '-i', 'vmk1', '-I', 'fd02::9')
    check(ipv6_of('vmk1') == ['fd00:100::11/64'], 'ipv6 address remove ADDR removes')
    run(cfg, *I, 'ipv6', 'address', 'add', '-i', 'vmk1', '-I', 'fd02::9', rc=2,
        err="-I needs ADDR/PREFIX, not 'fd02::9'")
    # the usage text shows what the parser takes
    for verb, want in (('add', '-I ADDR/PREFIX'), ('remove', '-I ADDR[/PREFIX]')):
        h = subprocess.run([VRDMACTL, *I, 'ipv6', 'address', verb, '--help'],
                           capture_output=True, text=True).stdout
        check(want in h.splitlines()[0], f'ipv6 address {verb} usage shows {want}: {h!r}')
    run(cfg, *I, 'tag', 'add', '-i', 'vmk1', '-t', 'iser')
    run(cfg, *I, 'tag', 'remove', '-i', 'vmk1', '-t', 'nvme-rdma')
    check([v['tags'] for v in json.loads(open(cfg).read())['vmks']][0] == ['iser'], 'tag add/remove')
    run(cfg, *I, 'tag', 'remove', '-i', 'vmk1', '-t', 'iser')
    run(cfg, *S, 'uplink', 'add', '-v', 'vSwitch1', '-u', 'vmnic4')
    run(cfg, *S, 'uplink', 'remove', '-v', 'vSwitch1', '-u', 'vmnic4')
    check(json.loads(open(cfg).read())['switches'][0]['uplinks'] == ['vmnic1', 'vmnic2'],
          'uplink add/remove')

    # number options name the documented range (MTU 1280-9000, VLAN 0-4095)
    run(cfg, *S, 'set', '-v', 'vSwitch1', '-m', '99999999999', rc=2, err='-m needs an MTU (1280-9000)')
    run(cfg, *I, 'set', '-i', 'vmk1', '-m', 'big', rc=2, err='-m needs an MTU (1280-9000)')
    run(cfg, *S, 'portgroup', 'set', '-p', 'RDMA-PG', '--vlan-id', 'x', rc=2,
        err='--vlan-id needs a VLAN ID (0-4095)')

    # a failed save names the file (the path used to be read after the
    # configuration holding it was freed)
    save_failures(cfg)

    # a broken file is reported with its JSON path, and not overwritten
    with open(cfg, 'w') as f:
        f.write('{"schema": "vrdma-config/1",\n "generation": 1,\n "switches": [{"name": "a",\n'
                ' "type": "standard", "mtu": 1}]}\n')
    run(cfg, *S, 'add', '-v', 'b', rc=1, err='vrdma.json: $.switches[0].mtu: ')

print('failures:', failures)
sys.exit(1 if failures else 0)
