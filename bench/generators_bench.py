# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of labs made by the graph generator filters. Runs inside tools/sandbox (make bench B=generators).

Cases (NETVIRT_BENCH_CASES, default "tree1024 grid33"):
  tree1024  Mininet's examples/tree1024.py: `2 | netvirt.linux.tree(32)`, 1024 host namespaces on 32 leaf
            bridges under s1 (33 bridges, 1056 veths); checked as Mininet's test_tree1024 does, h1 pings h1024
            (here: 3 echo requests, at least one answered; Mininet sends 20 and accepts up to 60 % loss); then h1
            probes every other host at once (1023 probes, 3 requests each), reported, not required: one
            reachability task answers at most 256 ICMP probes from one namespace at once (256 of 1023 here; the
            same 256 of 400 on a star of point-to-point veths, where 400 parallel `ping`s all succeed).
  grid33    meshnet-lab's grid, `33 | netvirt.linux.grid(33)`: 1089 namespaces, 2112 veths with a /30 each
            (issue 17's grid); checked by ns-0000 pinging its two neighbours.
For each case, NETVIRT_BENCH_REPEAT times (default 1; medians): the generator alone in-process; one
`ansible-playbook` whose one task is netvirt.linux.topology with the filter's result (whole process wall time,
and the module's own `elapsed`); the same again (nothing to change); the probes (the reachability task's
wall time by the controller's clock); `state: absent`. Everything is removed between repetitions. The load
average is printed before and after, since the machine is shared.

Methods (NETVIRT_BENCH_METHODS, default "filter literal src"): `filter` is the above (the filter in the task's
templating); `literal` writes the generator's result into the playbook as the task's options (a literal the
controller parses, copies and templates); `src` writes the generator's result once to a JSON file and the task is only
`netvirt.linux.topology: {src: FILE}` (read on the controller by the action plugin): build, nothing to change,
absent (no probes). The anchor is an empty `ansible-playbook` measured in the same run; the ratios printed are
(whole - module) / empty, the controller's cost in empty playbooks (issue 17's target: <= 1.5).
"""

from __future__ import absolute_import, division, print_function

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = os.path.join(ROOT, '.venv', 'bin', 'python')
PLAYBOOK = os.path.join(ROOT, '.venv', 'bin', 'ansible-playbook')
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')
CASES = os.environ.get('NETVIRT_BENCH_CASES', 'tree1024 grid33').split()
REPEAT = int(os.environ.get('NETVIRT_BENCH_REPEAT', '1'))
METHODS = os.environ.get('NETVIRT_BENCH_METHODS', 'filter literal src').split()

sys.path.insert(0, COLLECTIONS)
from ansible_collections.netvirt.linux.plugins.plugin_utils import _generators as gen  # noqa: E402  pylint: disable=wrong-import-position

LABS = {
    'tree1024': {
        'expr': "2 | netvirt.linux.tree(32, name='tree1024')",
        'call': lambda: gen.tree(2, 32, name='tree1024'),
        'probes': "{{ [{'from': 'h1', 'to': 'h1024'}] }}",
        'matrix_from': 'h1',
    },
    'grid33': {
        'expr': "33 | netvirt.linux.grid(33, name='grid33')",
        'call': lambda: gen.grid(33, 33, name='grid33'),
        # the far ends of ns-0000's two links (its neighbours' other addresses are on links ns-0000 has no route to)
        'probes': "{{ [{'from': 'ns-0000', 'to': '10.0.0.2'}, {'from': 'ns-0000', 'to': '10.0.0.6'}] }}",
        'matrix_from': None,
    },
}

PLAY = '''---
- hosts: localhost
  gather_facts: false
  vars:
    lab: "{{ %(expr)s }}"
    lab_state: present
  tasks:
    - name: Lab
      netvirt.linux.topology:
        name: "{{ lab.name }}"
        state: "{{ lab_state }}"
        ipv6_quiet: "{{ lab.ipv6_quiet }}"
        namespaces: "{{ lab.namespaces if lab_state == 'present' else [] }}"
        bridges: "{{ lab.bridges if lab_state == 'present' else [] }}"
        links: "{{ lab.links if lab_state == 'present' else [] }}"
      register: built
    - name: Report
      ansible.builtin.debug:
        msg: "BENCH elapsed={{ built.elapsed }} changed={{ built.changed }} namespaces={{ lab.namespaces | length }}"
'''

SRC_PLAY = '''---
- hosts: localhost
  gather_facts: false
  vars:
    lab_state: present
  tasks:
    - name: Lab
      netvirt.linux.topology:
        src: %(src)s
        state: "{{ lab_state }}"
      register: built
    - name: Report
      ansible.builtin.debug:
        msg: "BENCH elapsed={{ built.elapsed }} changed={{ built.changed }}"
'''

PROBE = '''---
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Start
      ansible.builtin.set_fact:
        started: "{{ now().timestamp() }}"
    - name: Probes
      netvirt.linux.reachability:
        probes: "%(probes)s"
        count: 3
        timeout: 2
      register: probed
    - name: Report
      ansible.builtin.debug:
        msg: "BENCH wall={{ now().timestamp() - started | float }} probes={{ probed.summary.text | replace(' ', '_') }}"
'''


def env():
    out = dict(os.environ)
    out.update({'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS, 'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'False',
                'ANSIBLE_RETRY_FILES_ENABLED': '0', 'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_LOCALHOST_WARNING': '0',
                'ANSIBLE_HOME': os.path.join(WORK, 'ansible-home')})
    return out


def play(path, extra=None):
    argv = [PLAYBOOK, '-i', 'localhost,', '-c', 'local', '-e', json.dumps({'ansible_python_interpreter': PY})]
    if extra:
        argv += ['-e', json.dumps(extra)]
    start = time.time()
    proc = subprocess.run(argv + [path], check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, env=env())
    wall = time.time() - start
    if proc.returncode != 0:
        raise RuntimeError('%s failed (%s):\n%s' % (path, proc.returncode, proc.stdout[-4000:]))
    found = dict(re.findall(r'(\w+)=(\S+?)(?=\s+\w+=|"|$)', ' '.join(re.findall(r'BENCH ([^"]*)', proc.stdout))))
    return wall, found, proc.stdout


def loadavg():
    with open('/proc/loadavg') as handle:
        return ' '.join(handle.read().split()[:3])


def cleanup():
    subprocess.run(['ip', '-all', 'netns', 'delete'], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


WORK = None


LITERAL_PLAY = '''---
- hosts: localhost
  gather_facts: false
  vars:
    lab_state: present
  tasks:
    - name: Lab
      netvirt.linux.topology:
        state: "{{ lab_state }}"
%(options)s
      register: built
    - name: Report
      ansible.builtin.debug:
        msg: "BENCH elapsed={{ built.elapsed }} changed={{ built.changed }}"
'''


def one_src(case, result, method='src'):
    """The src method: the generator's result as a JSON file, the task only names it; the literal method:
    the same options written in the task."""
    out = {}
    path = os.path.join(WORK, '%s-%s.yml' % (case, method))
    if method == 'src':
        src = os.path.join(WORK, '%s.json' % case)
        with open(src, 'w') as handle:
            json.dump(result, handle)
        text = SRC_PLAY % {'src': src}
    else:
        lines = ['        %s: %s' % (key, json.dumps(value)) for key, value in sorted(result.items())]
        text = LITERAL_PLAY % {'options': '\n'.join(lines)}
    with open(path, 'w') as handle:
        handle.write(text)
    for step, extra, changed in (('build', None, 'True'), ('again', None, 'False'), ('absent', {'lab_state': 'absent'}, 'True')):
        wall, found, _text = play(path, extra)
        assert found.get('changed') == changed, (step, found)
        out['%s %s: whole ansible-playbook' % (method, step)] = wall
        out['%s %s: module elapsed' % (method, step)] = float(found['elapsed'])
        if step == 'build':
            check_built(case, result)
    return out


def check_built(case, result):
    """Every namespace of the lab is there (the filter and the src runs build the same lab)."""
    names = subprocess.run(['ip', 'netns', 'list'], check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
    have = set(line.split()[0] for line in names.splitlines() if line.strip())
    assert have == set(ns['name'] for ns in result['namespaces']), '%s: %d namespaces, %d wanted' % (
        case, len(have), len(result['namespaces']))


def one(case):
    lab = LABS[case]
    out = {}
    start = time.time()
    result = lab['call']()
    out['generator (in-process)'] = time.time() - start
    out['_counts'] = (len(result['namespaces']), len(result['bridges']), len(result['links']))
    if 'filter' not in METHODS:
        for method in ('literal', 'src'):
            if method in METHODS:
                out.update(one_src(case, result, method))
        return out
    path = os.path.join(WORK, '%s.yml' % case)
    with open(path, 'w') as handle:
        handle.write(PLAY % {'expr': lab['expr']})
    wall, found, _text = play(path)
    assert found.get('changed') == 'True', found
    out['build: whole ansible-playbook'] = wall
    out['build: module elapsed'] = float(found['elapsed'])
    wall, found, _text = play(path)
    assert found.get('changed') == 'False', found
    out['again: whole ansible-playbook'] = wall
    out['again: module elapsed'] = float(found['elapsed'])
    probe = os.path.join(WORK, '%s-probe.yml' % case)
    with open(probe, 'w') as handle:
        handle.write(PROBE.replace('%(probes)s', lab['probes'].replace('"', "'")))
    wall, found, _text = play(probe)
    out['probes: whole ansible-playbook'] = wall
    out['probes: the task (controller clock)'] = float(found['wall'])
    out['_probes'] = found.get('probes', '?').replace('_', ' ')
    if lab['matrix_from']:
        names = [ns['name'] for ns in result['namespaces']]
        probes = [{'from': lab['matrix_from'], 'to': ns} for ns in names if ns != lab['matrix_from']]
        many = os.path.join(WORK, '%s-many.yml' % case)
        with open(many, 'w') as handle:
            # expect any: reported, not required (see the docstring: the kernel's backlog drops part of the burst)
            handle.write(PROBE.replace('"%(probes)s"', json.dumps(probes)).replace('timeout: 2', 'timeout: 3\n        expect: any'))
        wall, found, _text = play(many)
        out['h1 to every host: whole ansible-playbook'] = wall
        out['h1 to every host: the task (controller clock)'] = float(found['wall'])
        out['_many'] = found.get('probes', '?').replace('_', ' ')
    wall, found, _text = play(path, {'lab_state': 'absent'})
    out['absent: whole ansible-playbook'] = wall
    out['absent: module elapsed'] = float(found['elapsed'])
    left = subprocess.run(['ip', 'netns', 'list'], check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
    assert not left.strip(), 'left over: %s' % left[:200]
    for method in ('literal', 'src'):
        if method in METHODS:
            out.update(one_src(case, result, method))
            left = subprocess.run(['ip', 'netns', 'list'], check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
            assert not left.strip(), 'left over: %s' % left[:200]
    return out


def main():
    global WORK
    WORK = tempfile.mkdtemp(prefix='netvirt-gen-bench-')
    try:
        print('machine: %s CPUs, kernel %s, Python %s; load average at start %s'
              % (os.cpu_count(), platform.release(), platform.python_version(), loadavg()))
        empty = os.path.join(WORK, 'empty.yml')
        with open(empty, 'w') as handle:
            handle.write('---\n- hosts: localhost\n  gather_facts: false\n  tasks: []\n')
        walls = [play(empty)[0] for _i in range(3)]
        anchor = statistics.median(walls)
        print('empty ansible-playbook: %.2f s (median of 3)' % anchor)
        for case in CASES:
            runs = []
            for _i in range(REPEAT):
                cleanup()
                runs.append(one(case))
            first = runs[0]
            print('\n== %s: %d namespaces, %d bridges, %d veths; probes: %s'
                  % ((case,) + first['_counts'] + (first['_probes'],)))
            if '_many' in first:
                print('   from one host to every other: %s' % first['_many'])
            for key in first:
                if key.startswith('_'):
                    continue
                values = [run[key] for run in runs]
                print('  %-45s %8.2f s%s' % (key, statistics.median(values),
                                             '  (%s)' % ', '.join('%.2f' % v for v in values) if REPEAT > 1 else ''))
            print('  controller cost, (whole - module) / empty ansible-playbook (target <= 1.5):')
            for prefix in ('build', 'again', 'absent', 'literal build', 'literal again', 'literal absent',
                           'src build', 'src again', 'src absent'):
                whole, module = '%s: whole ansible-playbook' % prefix, '%s: module elapsed' % prefix
                if whole in first:
                    spent = statistics.median([run[whole] - run[module] for run in runs])
                    print('    %-12s %5.2f s outside the module = %4.2f x empty' % (prefix, spent, spent / anchor))
            print('  load average now %s' % loadavg())
    finally:
        cleanup()
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == '__main__':
    main()
