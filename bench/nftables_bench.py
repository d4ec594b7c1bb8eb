#!/usr/bin/env python
"""Benchmark of netvirt.linux.nftables, inside tools/sandbox (`make bench B=nftables`).

Two tables, each measured against a bare `nft -f` of the same ruleset, side by side in one run, in one
namespace (the table deleted before each create):

- `rules`: one inet table, one base chain of 10,000 rules (`ip saddr A tcp dport N accept`);
- `set`:   one inet table, one set of 100,000 ipv4_addr elements and one rule using it.

For each: the module's own work in-process (desired -> observe -> plan -> apply -> result: no Python start,
imports or AnsibleModule JSON), create and no change; the bare `nft -f -` of the module's own create
transaction (what the kernel must get anyway); for the set, one element of 100,000 changed (its transaction
size and commands). Medians of BENCH_REPEAT runs (default 5). BENCH_PROFILE=1 prints a cProfile of one
create and one one-element change. Prints a table; bench/README.md keeps it.
"""

import cProfile
import os
import platform
import pstats
import resource
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPEAT = int(os.environ.get('BENCH_REPEAT', '5'))
NS = 'nft-bench'
RULES = 10000
ELEMENTS = 100000

# pylint: disable=wrong-import-position
from ansible_collections.netvirt.linux.plugins.module_utils._netlink.session import Session
from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import Io
from ansible_collections.netvirt.linux.plugins.module_utils._state.nftables import NftablesKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.tests.unit.fakes import params


def nft(*args, **kw):
    return subprocess.run(['ip', 'netns', 'exec', NS, 'nft'] + list(args), input=kw.get('stdin'), check=kw.get('check', True),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)


def drop(table):
    nft('delete', 'table', 'inet', table, check=False)


def rules_table():
    rules = ['ip saddr 10.%d.%d.1 tcp dport %d accept' % (i // 256 % 256, i % 256, 1000 + i % 50000)
             for i in range(RULES)]
    return {'name': 'rules', 'chains': [{'name': 'input', 'hook': 'input', 'priority': 'filter', 'policy': 'accept',
                                         'rules': rules}]}


def set_table(last='10.200.0.0'):
    elements = ['10.%d.%d.%d' % (i >> 16 & 255, i >> 8 & 255, i & 255) for i in range(ELEMENTS - 1)] + [last]
    return {'name': 'big', 'sets': [{'name': 'allowed', 'type': 'ipv4_addr', 'elements': elements}],
            'chains': [{'name': 'input', 'hook': 'input', 'priority': 'filter', 'policy': 'accept',
                        'rules': ['ip saddr @allowed accept']}]}


def run_kind(table):
    """One module run in-process -> (wall, cpu, result, plan, transaction text)."""
    kind = NftablesKind()
    given = params(NftablesKind, netns=NS, tables=[table])
    before = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    ctx = Context(False, False)
    desired = kind.desired(given)
    with Session() as session:
        ctx.io = Io(session)
        try:
            observed = kind.observe(session, desired, ctx)
            plan = kind.plan(desired, observed, ctx)
            if plan.actions:
                kind.apply(session, plan, ctx)
            result = kind.result(desired, observed, plan, ctx)
        finally:
            kind.close(ctx)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    children2 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(getattr(b, f) - getattr(a, f) for a, b in ((before, after), (children, children2))
              for f in ('ru_utime', 'ru_stime'))
    text = kind.transaction(plan.actions)[0] if plan.actions else ''
    return wall, cpu, result, plan, text


def timed_bare(text):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(['nsenter', '--net=/run/netns/%s' % NS, 'nft', '-f', '-'], input=text, check=True,
                   universal_newlines=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def measure(label, make, change=None):
    table = make()
    for name in ('rules', 'big'):      # the namespace holds only the table measured
        drop(name)
    out = {'label': label}
    creates, bares, nochanges, changes = [], [], [], []
    text = None
    for _n in range(REPEAT):
        drop(table['name'])
        wall, cpu, result, plan, text = run_kind(table)
        assert plan.changed
        creates.append((wall, cpu))
        out['create_commands'] = result['commands']
        listed = nft('-s', 'list', 'table', 'inet', table['name']).stdout
        drop(table['name'])
        bares.append(timed_bare(text))
        assert nft('-s', 'list', 'table', 'inet', table['name']).stdout == listed, 'bare load and module differ'
    # no change: after a create by the module, twice (the first one takes nft's listing, then the record)
    drop(table['name'])
    run_kind(table)
    for _n in range(REPEAT + 1):
        wall, cpu, result, plan, _t = run_kind(table)
        assert not plan.changed
        nochanges.append((wall, cpu))
        out['nochange_commands'] = result['commands']
    if change is not None:
        for n in range(REPEAT):
            other = change(n)
            wall, cpu, result, plan, ctext = run_kind(other)
            assert plan.changed and len(plan.actions) == 2, plan.descriptions()
            changes.append((wall, cpu))
            out['change_commands'] = result['commands']
            out['change_text'] = ctext
            out['change_actions'] = plan.descriptions()
            run_kind(other)     # the record learns nft's print of it
            table = other
    out['create'] = tuple(median([r[i] for r in creates]) for i in (0, 1))
    out['bare'] = tuple(median([r[i] for r in bares]) for i in (0, 1))
    out['nochange'] = tuple(median([r[i] for r in nochanges[1:]]) for i in (0, 1))
    if changes:
        out['change'] = tuple(median([r[i] for r in changes]) for i in (0, 1))
    out['text_bytes'] = len(text)
    return out


def profile(table, title):
    for name in ('rules', 'big'):
        drop(name)
    for what in ('create', 'no change'):
        prof = cProfile.Profile()
        prof.enable()
        run_kind(table)
        prof.disable()
        print('-- profile: %s, %s' % (title, what))
        pstats.Stats(prof).sort_stats('tottime').print_stats(12)


def main():
    subprocess.run(['ip', 'netns', 'add', NS], check=True)
    subprocess.run(['ip', '-n', NS, 'link', 'set', 'lo', 'up'], check=True)
    if os.environ.get('BENCH_PROFILE'):
        profile(rules_table(), 'create, 10,000 rules')
        profile(set_table(), 'create, 100,000 elements')
    results = [measure('10,000 rules', rules_table),
               measure('set of 100,000 elements', set_table,
                       change=lambda n: set_table(last='10.200.0.%d' % (n + 1)))]
    print('machine: %s, %d CPUs, kernel %s, Python %s, %s; load %s' % (
        platform.machine(), os.cpu_count(), platform.release(), platform.python_version(),
        nft('--version').stdout.strip(), ' '.join('%.2f' % v for v in os.getloadavg())))
    print('')
    print('%-64s %9s %9s' % ('measurement', 'wall ms', 'CPU ms'))
    for out in results:
        rows = [('%s: module, create (%s)' % (out['label'], '; '.join(out['create_commands'])), out['create']),
                ('%s: bare nft -f of the same transaction (%d bytes)' % (out['label'], out['text_bytes']), out['bare']),
                ('%s: module, no change (%s)' % (out['label'], '; '.join(out['nochange_commands'])), out['nochange'])]
        if 'change' in out:
            rows.append(('%s: module, one element changed (%s)' % (out['label'], '; '.join(out['change_commands'])),
                         out['change']))
        for label, (wall, cpu) in rows:
            print('%-64s %9.1f %9.1f' % (label, wall * 1000, cpu * 1000))
        print('  ratio create / bare nft -f: %.2fx wall, %.2fx CPU' % (out['create'][0] / out['bare'][0],
                                                                       out['create'][1] / out['bare'][1]))
        if 'change' in out:
            print('  one-element change: %s; its transaction: %d bytes: %r' % (
                out['change_actions'], len(out['change_text']), out['change_text']))
    print('(medians of %d runs)' % REPEAT)
    subprocess.run(['ip', 'netns', 'del', NS], check=False)


if __name__ == '__main__':
    sys.exit(main())
