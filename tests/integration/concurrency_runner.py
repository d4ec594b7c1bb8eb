#!/usr/bin/env python
"""Concurrent runs on one sandbox (test_concurrency.py starts it inside tools/sandbox): for each
pair of modules that can share an object, both started at the same instant, ROUNDS times, from a
clean state each time. Both must succeed (the namespace locks make them take turns: without them
the second to create a bridge, a namespace or a pair fails with EEXIST), the object must be there
once, as asked, and a third run of each must change nothing. One JSON report on stdout.

usage: tools/sandbox .venv/bin/python concurrency_runner.py MODULE_PYTHON [ROUNDS]
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

import bad_inputs_runner

BR = {'name': 'cbr0', 'up': True, 'addresses': ['10.88.0.1/24']}
PAIRS = [
    ('bridge+bridge', [('bridge', BR), ('bridge', dict(BR))]),
    ('netns+netns', [('netns', {'name': 'cns'}), ('netns', {'name': 'cns'})]),
    ('veth+veth', [('veth', {'name': 'cv0', 'peer': {'name': 'cv1'}, 'up': True}),
                   ('veth', {'name': 'cv0', 'peer': {'name': 'cv1'}, 'up': True})]),
    ('vxlan+vxlan', [('vxlan', {'name': 'cvx', 'vni': 77, 'port': 4789, 'local': '10.88.9.1'}),
                     ('vxlan', {'name': 'cvx', 'vni': 77, 'port': 4789, 'local': '10.88.9.1'})]),
    ('netns+topology', [('netns', {'name': 'cns'}),
                        ('topology', {'name': 'ct1', 'namespaces': [{'name': 'cns'}]})]),
    ('bridge+topology', [('bridge', BR),
                         ('topology', {'name': 'ct1', 'bridges': [dict(BR)],
                                       'namespaces': [{'name': 'cns1'}],
                                       'links': [{'name': 'cl1', 'master': 'cbr0',
                                                  'peer': {'name': 'eth0', 'netns': 'cns1'}}]})]),
    ('topology+topology', [('topology', {'name': 'ct1', 'bridges': [dict(BR)], 'namespaces': [{'name': 'cns1'}],
                                         'links': [{'name': 'cl1', 'master': 'cbr0',
                                                    'peer': {'name': 'eth0', 'netns': 'cns1'}}]}),
                           ('topology', {'name': 'ct2', 'bridges': [dict(BR)], 'namespaces': [{'name': 'cns2'}],
                                         'links': [{'name': 'cl2', 'master': 'cbr0',
                                                    'peer': {'name': 'eth0', 'netns': 'cns2'}}]})]),
]


def links():
    out = subprocess.run(['ip', '-j', 'link', 'show'], stdout=subprocess.PIPE, universal_newlines=True, check=True)
    return dict((l['ifname'], l) for l in json.loads(out.stdout))


def clean():
    """Back to the sandbox's empty state, with iproute2 (so that one failed round cannot spoil the next)."""
    for name in sorted(os.listdir('/run/netns')) if os.path.isdir('/run/netns') else []:
        subprocess.run(['ip', 'netns', 'delete', name], check=False, stderr=subprocess.DEVNULL)
    for name in links():
        if name != 'lo':
            subprocess.run(['ip', 'link', 'delete', name], check=False, stderr=subprocess.DEVNULL)
    shutil.rmtree('/run/netvirt/topology', ignore_errors=True)


def summary(step):
    result = step['result'] or {}
    return {'module': step['module'], 'rc': step['rc'], 'failed': step['rc'] != 0 or bool(result.get('failed')),
            'changed': result.get('changed'), 'msg': (result.get('msg') or step['stderr'][-1500:] or '')}


def main():
    python = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    workdir = tempfile.mkdtemp(prefix='netvirt-concurrency-')
    report = {'pairs': {}}
    try:
        env = bad_inputs_runner.module_env(workdir)
        for label, tasks in PAIRS:
            out = report['pairs'][label] = []
            for _round in range(rounds):
                clean()
                results = [None] * len(tasks)
                start = threading.Barrier(len(tasks))

                def run(i, module, args):
                    start.wait()
                    results[i] = summary(bad_inputs_runner.run_module(python, module, args, False, workdir, env))
                threads = [threading.Thread(target=run, args=(i, m, a)) for i, (m, a) in enumerate(tasks)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                again = [summary(bad_inputs_runner.run_module(python, m, a, False, workdir, env)) for m, a in tasks]
                seen = links()
                names = sorted(os.listdir('/run/netns')) if os.path.isdir('/run/netns') else []
                one = {'concurrent': results, 'again': again, 'links': sorted(seen), 'namespaces': names,
                       'bridge_ports': sorted(n for n, l in seen.items() if l.get('master') == 'cbr0')}
                tops = [a for m, a in tasks if m == 'topology']
                if len(tops) == 2:
                    # the bridge both list is shared: absent of either leaves it to the other, then both go
                    one['absent'] = []
                    for args in tops:
                        step = summary(bad_inputs_runner.run_module(python, 'topology', {'name': args['name'],
                                                                                         'state': 'absent'},
                                                                    False, workdir, env))
                        seen = links()
                        step['links'] = sorted(seen)
                        step['bridge_ports'] = sorted(n for n, l in seen.items() if l.get('master') == 'cbr0')
                        step['namespaces'] = sorted(os.listdir('/run/netns')) if os.path.isdir('/run/netns') else []
                        one['absent'].append(step)
                out.append(one)
        clean()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    json.dump(report, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
