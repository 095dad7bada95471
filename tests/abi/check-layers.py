#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check the library's layering (HACKING.md section 9) from its object files.

usage: check-layers.py OBJDIR SRCDIR
  OBJDIR  the library's object directory (build/lib/libvrdma.so.1.0.0.p, *.c.o)
  SRCDIR  the library's sources (lib/)

Fails on (a) a call from a file into a layer it may not use, (b) a call
cycle between files, (c) a source including a private header other than its
layer's own (a private header: other than those of the layers it may use).
"""
import glob
import os
import re
import subprocess
import sys

# layer: (file name prefixes, the layers it may call into), lowest first.
LAYERS = {
    'core': (('ctx', 'util', 'json'), ()),
    'host': (('host', 'alias', 'snapshot'), ('core',)),
    'model': (('model', 'switch', 'portgroup', 'vmk', 'config', 'roce', 'soft'), ('core',)),
    'apply': (('apply',), ('core', 'host', 'model')),
    'binding': (('binding', 'initiator'), ('core', 'host', 'model', 'apply')),
}


def layer_of(filename):
    stem = re.sub(r'(-private)?\.[ch]$', '', os.path.basename(filename))
    if stem in LAYERS and filename.endswith('-private.h'):
        return stem
    for layer, (prefixes, _) in LAYERS.items():
        if any(stem == p or stem.startswith(p + '-') for p in prefixes):
            return layer
    return None


def symbols(obj):
    """(defined global symbols, undefined symbols) of an object file."""
    out = subprocess.run(['nm', '-P', obj], check=True, capture_output=True, text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 2 and f[1] == 'U':
            undefined.add(f[0])
        elif len(f) >= 2 and f[1] in 'TDBRCGSVWi':
            defined.add(f[0])
    return defined, undefined


def call_graph(objdir, srcdir):
    # Objects of sources that still exist (a removed source leaves a stale one).
    objs = sorted(o for o in glob.glob(os.path.join(objdir, '*.c.o'))
                  if os.path.exists(os.path.join(srcdir, os.path.basename(o)[:-2])))
    if not objs:
        sys.exit(f'check-layers: no *.c.o in {objdir}')
    syms = {os.path.basename(o)[:-2]: symbols(o) for o in objs}
    owner = {s: f for f, (d, _) in syms.items() for s in d}
    graph = {f: {} for f in syms}  # file -> {file it calls: [symbols]}
    for f, (_, undefined) in syms.items():
        for s in sorted(undefined):
            if s in owner and owner[s] != f:
                graph[f].setdefault(owner[s], []).append(s)
    return graph


def cycles(graph):
    """Strongly connected components with more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                out.append(sorted(scc))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def include_errors(srcdir):
    errors = []
    for path in sorted(glob.glob(os.path.join(srcdir, '*.[ch]'))):
        name, layer = os.path.basename(path), layer_of(path)
        if name.endswith('.h') and not name.endswith('-private.h'):
            continue  # internal.h is reported where it is included
        if layer is None:
            errors.append(f'{name}: belongs to no layer')
            continue
        if name.endswith('.h') and name != f'{layer}-private.h':
            errors.append(f'{name}: a second private header of {layer}: one per layer '
                          f'({layer}-private.h)')
            continue
        if name.endswith('.c'):
            allowed = {f'{layer}-private.h'}
        else:
            allowed = {f'{m}-private.h' for m in LAYERS[layer][1]} | (
                {'config.h'} if layer == 'core' else set())
        for n, line in enumerate(open(path, encoding='utf-8'), 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if m and m.group(1) not in allowed:
                kind = 'file' if name.endswith('.c') else 'private header'
                errors.append(f'{name}:{n}: includes "{m.group(1)}"; a {layer} {kind} '
                              f'may include only {", ".join(sorted(allowed))}')
    return errors


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    objdir, srcdir = argv
    graph = call_graph(objdir, srcdir)
    errors = include_errors(srcdir)
    layer = {f: layer_of(f) for f in graph}
    used = {}
    for f, targets in sorted(graph.items()):
        for t in sorted(targets):
            a, b = layer[f], layer[t]
            if a is None or b is None or a == b:
                continue
            used.setdefault(a, set()).add(b)
            if b not in LAYERS[a][1]:
                errors.append(f'{f} -> {t}: {a} may not call into {b} '
                              f'({", ".join(graph[f][t])})')
    for scc in cycles(graph):
        edges = [f'{f} -> {t} ({graph[f][t][0]}{", ..." if len(graph[f][t]) > 1 else ""})'
                 for f in scc for t in sorted(graph[f]) if t in scc]
        errors.append(f'call cycle between {", ".join(scc)}: ' + '; '.join(edges))

    print('layers (a layer calls only into those after "->"; observed calls in brackets):')
    for lay, (_, below) in reversed(list(LAYERS.items())):
        files = sorted(f for f in graph if layer[f] == lay)
        seen = ', '.join(sorted(used.get(lay, ()))) or '-'
        print(f'  {lay:8} -> {", ".join(below) or "-":26} [{seen}]')
        print(f'  {"":8}    {" ".join(files)}')
    for e in errors:
        print('check-layers: ' + e)
    print(f'check-layers: {len(graph)} files, '
          f'{sum(len(t) for t in graph.values())} file-to-file edges, {len(errors)} errors')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
