# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What impairments on every link cost a topology. Runs inside tools/sandbox (make bench B=netem).

Topology: N namespaces, each joined to the sandbox's namespace by a veth (inside end eth0 with an
address, outside end hI). Measured, REPEAT times each, medians, with the module run as a plain
process (no Ansible around it):

  plain        build without impairments             (the anchor)
  impaired     build with an impairment on both ends of every link (2N qdiscs)
  again        the impaired topology run again (nothing to change: reads every qdisc)
  absent       the impaired topology removed

The impairment is a rate (tbf), which every kernel here has; netem's delay would be one more
qdisc of the same cost per end, but this machine's kernel has no sch_netem. Ratios are printed
against the anchor measured in the same run.

  NETVIRT_BENCH_N="500"  NETVIRT_BENCH_REPEAT=3
"""

from __future__ import absolute_import, division, print_function

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = os.path.join(ROOT, '.venv', 'bin', 'python')
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')
MODULE = os.path.join(ROOT, 'plugins', 'modules', 'topology.py')
NS = [int(n) for n in os.environ.get('NETVIRT_BENCH_N', '500').split()]
REPEAT = int(os.environ.get('NETVIRT_BENCH_REPEAT', '3'))


def args(n, impaired, state='present'):
    links = []
    for i in range(n):
        host = i + 2
        inside = {'name': 'eth0', 'netns': 'n%d' % i, 'addresses': ['10.%d.%d.2/30' % (host // 256, host % 256)]}
        link = {'name': 'h%d' % i, 'peer': inside}
        if impaired:
            link['impairment'] = {'rate': '10mbit'}
            link['peer']['impairment'] = {'rate': '10mbit'}
        links.append(link)
    return {'name': 'netembench', 'state': state, 'namespaces': [{'name': 'n%d' % i} for i in range(n)],
            'links': links}


def module(work, given):
    path = os.path.join(work, 'args.json')
    with open(path, 'w') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': given}, handle)
    start = time.time()
    proc = subprocess.run([PY, MODULE, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
                          universal_newlines=True, env=dict(os.environ, PYTHONPATH=COLLECTIONS))
    wall = time.time() - start
    out = json.loads(proc.stdout)
    if out.get('failed'):
        raise RuntimeError(out.get('msg'))
    return wall, out


def qdisc_count(n):
    found = 0
    for i in range(n):
        text = subprocess.run(['ip', 'netns', 'exec', 'n%d' % i, 'tc', 'qdisc', 'show', 'dev', 'eth0'],
                              stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
        found += text.count('tbf 4e56:')
    return found


def main():
    subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
    with open('/proc/loadavg') as handle:
        load = handle.read().split()[:3]
    sys.stdout.write('load average at start: %s\n' % ' '.join(load))
    work = tempfile.mkdtemp(prefix='netem-bench-')
    for n in NS:
        times = dict((k, []) for k in ('plain', 'impaired', 'again', 'absent'))
        for _round in range(REPEAT):
            wall, out = module(work, args(n, False))
            times['plain'].append(wall)
            module(work, args(n, False, 'absent'))
            wall, out = module(work, args(n, True))
            times['impaired'].append(wall)
            assert sum(1 for a in out['actions'] if 'add tbf 4e56:' in a) == 2 * n, 'not every end shaped'
            assert qdisc_count(n) == n, 'the kernel does not have every inside shaper'
            wall, out = module(work, args(n, True))
            times['again'].append(wall)
            assert not out['changed'], out['actions'][:5]
            wall, out = module(work, args(n, True, 'absent'))
            times['absent'].append(wall)
            sys.stdout.write('  N=%d round: %s\n' % (n, ' '.join('%s %.2f' % (k, v[-1]) for k, v in times.items())))
        med = dict((k, statistics.median(v)) for k, v in times.items())
        sys.stdout.write('N=%d medians: plain %.2f s, impaired %.2f s (x%.2f, +%.2f ms per qdisc), again %.2f s, '
                         'absent %.2f s\n' % (n, med['plain'], med['impaired'], med['impaired'] / med['plain'],
                                              (med['impaired'] - med['plain']) * 1000.0 / (2 * n), med['again'],
                                              med['absent']))
    with open('/proc/loadavg') as handle:
        sys.stdout.write('load average at end: %s\n' % ' '.join(handle.read().split()[:3]))


if __name__ == '__main__':
    main()
