#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check the public headers against the mechanical API rules of HACKING.md.

usage: check-api-rules.py [HEADER_OR_DIR ...]   (default: include/vrdma)
       check-api-rules.py --self-test

Prints one line per violation, "header:line: function: rule", and exits 1
when there is any.
"""
import os
import re
import sys

REFCOUNTED = {'ctx', 'host', 'config', 'bindings', 'apply_plan', 'source', 'storage', 'monitor'}
NAME_EXCEPTIONS = {'vrdma_version'}
NULL_DOC = re.compile(r'NULL\s+(when|if|otherwise|until|unless|before)|\bor\s+NULL'
                      r'|may\s+be\s+NULL|NULL\s+for\s+none')
INDEX_NAMES = {'i', 'idx', 'index'}
VAGUE_OUTPUTS = {'ret', 'out', 'p', 'ptr', 'res', 'result', 'val', 'value'}
PROTO = re.compile(r'^(?P<ret>[\w\s\*]*?[\w\*])\s*\b(?P<name>\w+)\s*\((?P<args>.*)\)'
                   r'\s*(VRDMA_\w+\s*\([^)]*\)\s*)*$', re.S)


class Param:
    def __init__(self, text):
        text = re.sub(r'\[[^\]]*\]', '*', text.strip())  # uint8_t mac[6]: a pointer
        m = re.match(r'^(.*?)(\w+)$', text, re.S)
        if not m or not m.group(1).strip() or text in ('void', '...'):
            self.type, self.name = text, ''
        else:
            self.type, self.name = ' '.join(m.group(1).split()), m.group(2)
        self.depth = self.type.count('*')
        base = self.type.split('*')[0]
        self.is_struct = 'struct' in base
        self.is_const = 'const' in base
        self.is_output = self.depth >= 2 or (self.depth == 1 and not self.is_const
                                             and not self.is_struct)
        self.integer = self.depth == 0 and bool(re.search(
            r'\b(int|unsigned|long|short|size_t|ssize_t|u?int\d+_t|enum)\b', self.type))


class Func:
    def __init__(self, header, line, ret, name, args, doc):
        self.header, self.line, self.name, self.doc = header, line, name, doc
        self.ret = ' '.join(ret.replace('*', ' * ').split()).replace(' *', '*')
        self.params = [Param(a) for a in split_args(args)]
        self.params = [p for p in self.params if p.type not in ('void', '')]


def split_args(text):
    out, depth, cur = [], 0, ''
    for c in text:
        depth += (c == '(') - (c == ')')
        if c == ',' and depth == 0:
            out.append(cur)
            cur = ''
        else:
            cur += c
    return out + [cur] if cur.strip() else out


def strip_comments(raw, state):
    """Code of one line; comments are appended to state['comments'] as (own_line, text)."""
    code, i = '', 0
    while i < len(raw):
        if state['in_comment']:
            end = raw.find('*/', i)
            state['text'] += raw[i:end if end >= 0 else len(raw)]
            if end < 0:
                break
            state['comments'].append((not code.strip() and state['own_line'], state['text']))
            state['in_comment'], state['text'], i = False, '', end + 2
        elif raw.startswith('/*', i):
            state['in_comment'], state['own_line'], i = True, not code.strip(), i + 2
        else:
            code += raw[i]
            i += 1
    return code.strip()


def parse(path):
    """The prototypes of a header (Func) and the lines mentioning ENODATA."""
    funcs, enodata, doc, stmt, stmt_doc, line0, depth, cont = [], [], '', '', '', 0, 0, False
    state = {'in_comment': False, 'own_line': False, 'text': '', 'comments': []}
    for n, raw in enumerate(open(path, encoding='utf-8'), 1):
        if 'ENODATA' in raw:
            enodata.append(n)
        was_in_comment = state['in_comment']
        state['comments'] = []
        line = strip_comments(raw, state)
        if not raw.strip() and not was_in_comment:
            doc = ''  # a blank line ends what the comment above describes
        for own_line, text in state['comments']:
            if own_line and not stmt:
                doc = text  # a comment block above the next declarations
            else:
                stmt_doc += ' ' + text  # a comment beside a declaration
        skip = cont or line.startswith('#') or line in ('}', 'extern "C" {')
        cont = line.startswith('#') and line.endswith('\\') or (cont and line.endswith('\\'))
        if not line or skip:
            stmt_doc = stmt_doc if stmt else ''
            continue
        if not stmt:
            line0, stmt_doc = n, doc + stmt_doc
        stmt += ' ' + line
        depth += line.count('{') - line.count('}')
        if depth > 0 or not stmt.endswith(';'):
            continue
        text, stmt, this_doc, stmt_doc = stmt.strip().rstrip(';'), '', stmt_doc, ''
        m = PROTO.match(text)
        if m and not text.startswith(('typedef', 'enum')):
            funcs.append(Func(path, line0, m.group('ret'), m.group('name'), m.group('args'),
                              this_doc))
    return funcs, enodata


def check(f):
    """The rules f breaks, as short texts."""
    out, name, ps = [], f.name, f.params
    outputs = [p for p in ps[1:] if p.is_output]
    getter = bool(re.search(r'_(get|find)(_|$)', name))
    if name not in NAME_EXCEPTIONS and not re.match(r'^vrdma_[a-z0-9]+(_[a-z0-9]+)+$', name):
        out.append('name is not vrdma_<object>_<verb>[_<what>] (rule 1)')
    if '_count' in name:
        out.append('"_count" in a name: counts are _get_n_<xs> (rule 3)')
    if re.search(r'_(to|from)_name$', name) or (
            name.endswith('_name') and ps and ps[0].integer and not getter):
        out.append('enum names are _to_string/_from_string (rule 5)')
    selectors = [p for p in ps[1:] if not (p.integer and p.name not in INDEX_NAMES)]
    if '_get_n_' in name and (f.ret != 'int' or not ps or selectors):
        out.append('_get_n_<xs> returns int and takes the object and at most a selector (rule 3)')
    for p in ps:
        if p.name in INDEX_NAMES and p.integer and ' '.join(p.type.split()) not in (
                'unsigned int', 'unsigned'):
            out.append(f'index "{p.type} {p.name}": indexes are unsigned int (rule 3)')
    if getter and any(p.name in INDEX_NAMES for p in ps) and (f.ret != 'int' or not outputs):
        out.append('a getter taking an index returns int with the value in *ret (rule 2)')
    if getter and f.ret == 'int' and outputs:
        if any(not p.is_output for p in ps[ps.index(outputs[0]):]):
            out.append('output arguments come last (rule 2)')
        elif len(outputs) == 1 and outputs[0].name != 'ret':
            out.append(f'the output argument is called ret, not "{outputs[0].name}" (rule 2)')
        elif len(outputs) > 1 and any(len(p.name) < 2 or p.name in VAGUE_OUTPUTS
                                      for p in outputs):
            out.append('several outputs are named after what they hold (rule 2)')
    if re.search(r'_(is|has)_', name) and f.ret != 'bool':
        out.append('_is_/_has_ predicates return bool (rule 1)')
    m = re.match(r'^vrdma_(\w+)_(ref|unref)$', name)
    if m and m.group(1) not in REFCOUNTED:
        out.append(f'only {", ".join(sorted(REFCOUNTED))} have _ref/_unref (rule 4)')
    if (f.ret.endswith('*') and not name.endswith(('_to_string', '_ref', '_unref'))
            and NULL_DOC.search(' '.join(f.doc.split()))):
        out.append('documented as returning NULL: absence takes the int form (rule 2)')
    return out


def run(paths):
    headers = []
    for p in paths:
        p = os.path.relpath(p) if not os.path.relpath(p).startswith('..') else os.path.normpath(p)
        headers += ([os.path.join(p, h) for h in sorted(os.listdir(p)) if h.endswith('.h')]
                    if os.path.isdir(p) else [p])
    lines = []
    for h in headers:
        funcs, enodata = parse(h)
        for f in funcs:
            lines += [f'{h}:{f.line}: {f.name}: {r}' for r in check(f)]
        lines += [f'{h}:{n}: -: -ENODATA is not an API error: absent is -ENOENT (rule 2)'
                  for n in enodata]
    return lines


SELF_TEST = '''
struct vrdma_ctx *vrdma_ctx_ref(struct vrdma_ctx *ctx);
struct vrdma_vmk *vrdma_vmk_ref(struct vrdma_vmk *vmk);                 /* E ref */
int vrdma_host_get_n_adapters(struct vrdma_host *host);
int vrdma_host_get_n_ports(struct vrdma_host *host, const char *f);    /* E n */
int vrdma_rule_get_count(void);                                         /* E count */
int vrdma_host_get_adapter(struct vrdma_host *host, unsigned int i,
                           struct vrdma_adapter **ret);
struct vrdma_port *vrdma_adapter_get_port(struct vrdma_adapter *a,  /* E index */
                                          unsigned int i);
int vrdma_binding_get_addr(struct vrdma_binding *b, int i, const char **ret); /* E signed */
int vrdma_vmk_get_mtu(struct vrdma_vmk *vmk, int *out);                 /* E ret */
int vrdma_diag_get_object(struct vrdma_diag *d, unsigned int i, const char **kind,
                          const char **name);
int vrdma_diag_get_pair(struct vrdma_diag *d, int *a, int *b);          /* E several */
int vrdma_vmk_get_x(struct vrdma_vmk *vmk, int *ret, unsigned flags);   /* E last */
bool vrdma_host_is_snapshot(struct vrdma_host *host);
int vrdma_host_has_rdma(struct vrdma_host *host);                       /* E bool */
const char *vrdma_vmk_tag_to_name(int tag);                             /* E enum */
const char *vrdma_vmk_tag_name(int tag);                                /* E enum */
/* Names, or NULL when out of range. */
const char *vrdma_gid_type_to_string(int type);

const char *vrdma_diag_get_name(struct vrdma_diag *d);

/* The host name
 * (may be NULL). */
const char *vrdma_host_get_hostname(struct vrdma_host *host);           /* E NULL */
const char *vrdma_host_get_kernel(struct vrdma_host *host);             /* E NULL */

const char *vrdma_host_get_os(struct vrdma_host *host); /* or NULL */   /* E NULL */
const char *vrdma_host_get_arch(struct vrdma_host *host);
int vrdmaHostGet(void);                                                 /* E name */
typedef void (*vrdma_log_fn)(struct vrdma_ctx *ctx, int i);
/* fails with -ENODATA */                                               /* E ENODATA */
'''


def self_test():
    import tempfile
    with tempfile.NamedTemporaryFile('w', suffix='.h', delete=False) as t:
        t.write(SELF_TEST)
    got = {int(line.split(':')[1]) for line in run([t.name])}
    os.unlink(t.name)
    want = {n for n, line in enumerate(SELF_TEST.split('\n'), 1) if '/* E ' in line}
    if got != want:
        print(f'self-test: expected violations on lines {sorted(want)}, got {sorted(got)}')
        return 1
    print(f'self-test: {len(want)} violations found as expected')
    return 0


def main(argv):
    if argv == ['--self-test']:
        return self_test()
    here = os.path.dirname(os.path.abspath(__file__))
    lines = run(argv or [os.path.join(here, '..', '..', 'include', 'vrdma')])
    print('\n'.join(lines) if lines else 'check-api-rules: no violations')
    return 1 if lines else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
