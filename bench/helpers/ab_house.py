# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A/B of two trees of the collection on the topology bench's lab, in the sandbox:

    NETVIRT_AB_BEFORE=/path/to/other/checkout tools/sandbox .venv/bin/python bench/helpers/ab_house.py N ROUNDS

The other checkout needs .build/collections (a symlink tree as tools/bootstrap makes it). The
topology module runs as a plain process (as the bench's module_direct) on N namespaces: build,
nothing to change, state=absent; with the other tree and this one alternately, ROUNDS each; the
module's own 'elapsed' and the child's CPU time, medians. Used to show that the house refactor
(floors, composition) kept the speed: bench/README.md, topology, run 5.
"""

from __future__ import absolute_import, division, print_function

import json
import os
import resource
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import topology_bench as tb  # noqa: E402  pylint: disable=wrong-import-position

TREES = {'before': os.environ['NETVIRT_AB_BEFORE'], 'after': os.path.dirname(os.path.dirname(HERE))}
PY = os.path.join(TREES['after'], '.venv', 'bin', 'python')


def run(tree, path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([PY, os.path.join(TREES[tree], 'plugins/modules/topology.py'), path],
                         env=dict(os.environ, PYTHONPATH=os.path.join(TREES[tree], '.build', 'collections')),
                         stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return json.loads(out), (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    n, rounds = int(sys.argv[1]), int(sys.argv[2])
    tb.WORK = '/tmp'
    paths = {}
    for state in ('present', 'absent'):
        paths[state] = '/tmp/ab-house-%d-%s.json' % (n, state)
        with open(paths[state], 'w') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': tb.topology_args(n, state)}, handle)
    res = dict((t, {'build': [], 'again': [], 'absent': []}) for t in TREES)
    for r in range(rounds):
        for tree in (('before', 'after') if r % 2 == 0 else ('after', 'before')):
            built, cpu = run(tree, paths['present'])
            assert built['changed'] and not built.get('failed'), built.get('msg')
            tb.check(n)
            res[tree]['build'].append((built['elapsed'], cpu))
            again, cpu = run(tree, paths['present'])
            assert not again['changed'], again.get('actions', [])[:3]
            res[tree]['again'].append((again['elapsed'], cpu))
            gone, cpu = run(tree, paths['absent'])
            assert gone['changed']
            res[tree]['absent'].append((gone['elapsed'], cpu))
    for step in ('build', 'again', 'absent'):
        for tree in ('before', 'after'):
            rows = res[tree][step]
            print('%-7s %-6s N=%d module elapsed median %.3f s (all %s), process CPU median %.3f s' % (
                step, tree, n, statistics.median(r[0] for r in rows), ' '.join('%.3f' % r[0] for r in rows),
                statistics.median(r[1] for r in rows)))


if __name__ == '__main__':
    main()
