#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""vrdmactl rdma device soft add | remove | list (issue 15), checked by reading
the saved configuration file with Python's own JSON parser (an independent
observer); refusals exit 1 with a message naming the uplink and leave the file
byte-identical.  No RDMA is needed: these commands change the configuration
only (apply creating the adapter is tests/apply/vm-soft.sh, suite vm)."""
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


def softs(cfg):
    with open(cfg) as f:
        return json.load(f).get('soft_adapters')


with tempfile.TemporaryDirectory() as d:
    cfg = os.path.join(d, 'etc', 'vrdma.json')
    soft = ['rdma', 'device', 'soft']
    run(cfg, *soft, 'add', '-u', 'vmnic1')
    run(cfg, *soft, 'add', '--uplink', 'eth7', '--type', 'siw')
    run(cfg, *soft, 'add', '--uplink=ens2', '--type=rxe')
    check(softs(cfg) == [{'uplink': 'vmnic1', 'type': 'rxe'}, {'uplink': 'eth7', 'type': 'siw'},
                         {'uplink': 'ens2', 'type': 'rxe'}], f'file: {softs(cfg)}')
    before = open(cfg).read()
    run(cfg, *soft, 'add', '-u', 'vmnic1', '-t', 'siw', rc=1,
        err="soft adapter on uplink 'vmnic1': the uplink already has one (type rxe)")
    run(cfg, *soft, 'add', '-u', 'vmk1', rc=1, err="a vmk cannot carry")
    run(cfg, *soft, 'add', '-u', 'vmnic2', '-t', 'roce', rc=2, err="rxe or siw")
    run(cfg, *soft, 'add', rc=2, err="missing required option -u")
    run(cfg, *soft, 'remove', '-u', 'vmnic9', rc=1, err="no soft adapter on uplink 'vmnic9'")
    run(cfg, *soft, 'remove', '-u', 'vmnic1', '-t', 'rxe', rc=2, err="unexpected argument")
    check(open(cfg).read() == before, 'refusals leave the file byte-identical')
    run(cfg, *soft, 'remove', '-u', 'eth7')
    check(softs(cfg) == [{'uplink': 'vmnic1', 'type': 'rxe'}, {'uplink': 'ens2', 'type': 'rxe'}],
          f'after remove: {softs(cfg)}')
    # list: the configured ones (no adapter on these names on this host)
    out = json.loads(run(cfg, '-j', *soft, 'list'))
    check([(o['uplink'], o['type']) for o in out] == [('vmnic1', 'rxe'), ('ens2', 'rxe')],
          f'list -j: {out}')
    check(all(set(o) == {'uplink', 'type', 'netdev', 'adapter', 'alias'} for o in out),
          f'list -j keys: {out}')
    text = run(cfg, *soft, 'list')
    check(text.splitlines()[0].split() == ['Uplink', 'Type', 'Netdev', 'Adapter', 'Alias'],
          f'list header: {text!r}')
    run(cfg, *soft, 'remove', '-u', 'vmnic1')
    run(cfg, *soft, 'remove', '-u', 'ens2')
    # none left: the key is gone again (files without soft adapters are unchanged)
    check(softs(cfg) is None, f'empty: {softs(cfg)}')
    check(json.loads(run(cfg, '-j', *soft, 'list')) == [], 'empty list -j')

print('PASS' if failures == 0 else f'{failures} failure(s)')
sys.exit(1 if failures else 0)
