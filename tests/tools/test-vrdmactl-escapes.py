#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""vrdmactl never writes terminal escapes raw: strings from a host snapshot
(adapter, driver, description, netdev names), from a configuration file and
from the command line, echoed in tables, text, JSON and error messages, come
out with C0/DEL/invalid bytes as \\xHH and C1/bidi controls as \\uHHHH.
usage: test-vrdmactl-escapes.py VRDMACTL HOST_SNAPSHOT"""
import json
import os
import subprocess
import sys
import tempfile

VRDMACTL, SNAPSHOT = sys.argv[1], sys.argv[2]
failures = 0

# What a terminal would act on: C0 but newline, DEL, C1 (as UTF-8), bidi overrides.
RAW = [bytes([c]) for c in range(0x20) if c != 0x0a] + [b'\x7f'] + \
      [bytes([0xc2, c]) for c in range(0x80, 0xa0)] + ['\u202e'.encode()]


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print(f'FAIL: {what}')


def run(*args, rc=0):
    p = subprocess.run([VRDMACTL, *args], capture_output=True)
    check(p.returncode == rc, f'{" ".join(map(repr, args))}: rc {p.returncode} (want {rc}): '
          f'{p.stderr!r}')
    for name, out in (('stdout', p.stdout), ('stderr', p.stderr)):
        bad = [r for r in RAW if r in out]
        check(not bad, f'{" ".join(map(repr, args))}: raw {bad} in {name}: {out!r}')
    return p.stdout.decode('utf-8', 'strict'), p.stderr.decode('utf-8', 'strict')


ESC_DESC = '\x1b[31mRED\x1b[0m \u009b2J \u202eevil \x7f'
ESC_DRV = 'rxe\x1b]0;title\x07'
ESC_NETDEV = 'ens\x1b[1m1f0'

with open(SNAPSHOT) as f:
    text = f.read()
# a netdev name with an escape, everywhere the snapshot names it
text = text.replace('"ens1f0"', json.dumps(ESC_NETDEV))
doc = json.loads(text)
doc['adapters'][0]['description'] = ESC_DESC
doc['adapters'][0]['driver'] = ESC_DRV

with tempfile.TemporaryDirectory() as d:
    snap = os.path.join(d, 'host.json')
    with open(snap, 'w') as f:
        json.dump(doc, f)
    cfg = os.path.join(d, 'vrdma.json')
    H = ['--host', snap, '--config', cfg]

    out, _ = run(*H, 'rdma', 'device', 'list')
    check('\\x1b[31mRED\\x1b[0m \\u009b2J \\u202eevil \\x7f' in out, f'escaped description: {out!r}')
    check('rxe\\x1b]0;title\\x07' in out, f'escaped driver: {out!r}')
    out, _ = run(*H, 'rdma', 'device', 'show', 'vmrdma0')
    check('   Description: \\x1b[31mRED' in out and 'Netdev: ens\\x1b[1m1f0' in out,
          f'show escapes: {out!r}')
    out, _ = run(*H, 'rdma', 'device', 'gid', 'list')
    check('ens\\x1b[1m1f0' in out, f'gid list netdev: {out!r}')
    out, _ = run(*H, 'network', 'nic', 'list')
    check('ens\\x1b[1m1f0' in out, f'nic list netdev: {out!r}')
    # JSON: valid, and the values are the snapshot's own
    out, _ = run(*H, '-j', 'rdma', 'device', 'list')
    j = json.loads(out)
    check(j[0]['description'] == ESC_DESC and j[0]['driver'] == ESC_DRV, f'JSON values: {j[0]!r}')
    out, _ = run(*H, '-j', 'network', 'nic', 'list')
    check(ESC_NETDEV in [n['netdev'] for n in json.loads(out)], 'JSON netdev')
    # command-line words in error messages
    _, err = run(*H, 'rdma', 'device', 'show', '\x1b[2Jx\u009b', rc=1)
    check("no RDMA adapter '\\x1b[2Jx\\u009b'" in err, f'show error: {err!r}')
    _, err = run('no\x1b[5msuch', rc=2)
    check("unknown command 'no\\x1b[5msuch'" in err, f'unknown command: {err!r}')
    _, err = run('--config', cfg, 'network', 'vswitch', 'standard', 'add', '-v', 'a\x1b[8mb', rc=1)
    check("switch 'a\\x1b[8mb'" in err, f'library message: {err!r}')
    _, err = run('--config', cfg, 'network', 'vswitch', 'standard', 'add', '-v', 'a',
                 '--bogus\x1b[1m', rc=2)
    check('\\x1b[1m' in err, f'usage message: {err!r}')
    # invalid UTF-8 from the command line
    p = subprocess.run([VRDMACTL.encode(), b'rdma', b'device', b'show', b'x\xff\xc2', b'--host',
                        snap.encode()], capture_output=True)
    check(p.returncode == 1 and b"'x\\xff\\xc2'" in p.stderr, f'invalid UTF-8: {p.stderr!r}')
    # a configuration file with escapes in its names: the loader's message is escaped
    with open(cfg, 'w') as f:
        f.write('{"schema": "vrdma-config/1", "generation": 1, "switches": '
                '[{"name": "s\\u001b[31m", "type": "standard"}]}\n')
    _, err = run('--config', cfg, 'network', 'vswitch', 'standard', 'list', rc=1)
    check('s\\x1b[31m' in err, f'configuration message: {err!r}')
    _, err = run('--config', cfg, '-j', 'network', 'vswitch', 'standard', 'list', rc=1)

print('failures:', failures)
sys.exit(1 if failures else 0)
