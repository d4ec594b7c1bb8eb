#!/usr/bin/env python
"""Benchmark of netvirt.linux.iptables: 1000 rules in one chain, inside tools/sandbox (`make bench`).

Five ways, same run, same namespace (INPUT emptied before each method and each repetition):

1. this module, one task of an ansible-playbook (whole process, and the task as the controller saw it);
2. this module's process alone (`python -m ...modules.iptables args.json`, as Ansible runs it on the host):
   wall and CPU time, create and no-change;
3. a loop of ansible.builtin.iptables, one item per rule (BENCH_LOOP_N rules, default 100, extrapolated
   to 1000 and labelled so; BENCH_LOOP_N=1000 measures all of them);
4. one bare `iptables-restore --noflush` of the same 1000 rules (what the module itself ends up committing);
5. Ansible's own floor for such a module process: a module with the same argument spec that reads the same
   1000 rules and returns a result of the same size, doing nothing else (bench/helpers/ansible_floor_module.py).

Short measurements (2, 2b, 4, 5) are repeated BENCH_REPEAT times (default 7), each create on an emptied chain,
and the median is reported. Prints the numbers and the ratios; bench/README.md keeps them.
"""

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(REPO, '.venv')
PYTHON = os.path.join(VENV, 'bin', 'python')
PLAYBOOK = os.path.join(VENV, 'bin', 'ansible-playbook')
COLLECTIONS = os.path.join(REPO, '.build', 'collections')
N = 1000
LOOP_N = int(os.environ.get('BENCH_LOOP_N', '100'))
REPEAT = int(os.environ.get('BENCH_REPEAT', '7'))
NS = 'b-bench'     # every method works on this one namespace, its INPUT chain emptied before each
MARK = 'netvirt:filter/INPUT'
ENV = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='0',
           ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0', PYTHONPATH=COLLECTIONS)


def timed(argv, stdin=None):
    """(wall seconds, CPU seconds of the child and its children, completed process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, env=ENV, cwd=REPO, check=False)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.exit('failed: %s\n%s' % (' '.join(argv[:6]), proc.stdout[-3000:]))
    return wall, cpu, proc


def netns(name):
    subprocess.run(['ip', 'netns', 'add', name], check=True)
    subprocess.run(['ip', '-n', name, 'link', 'set', 'lo', 'up'], check=True)


def flush(name):
    subprocess.run(['ip', 'netns', 'exec', name, 'iptables', '-F', 'INPUT'], check=True)


def median_of(runs):
    """runs: [(wall, cpu, ...)] -> (median wall, median cpu, the last run's other values)."""
    walls = sorted(r[0] for r in runs)
    cpus = sorted(r[1] for r in runs)
    return (walls[len(walls) // 2], cpus[len(cpus) // 2]) + tuple(runs[-1][2:])


def repeated(argv, stdin=None, before=None):
    runs = []
    for _n in range(REPEAT):
        if before:
            before()
        runs.append(timed(argv, stdin))
    return median_of(runs)


def save(name):
    return subprocess.run(['ip', 'netns', 'exec', name, 'iptables-save', '-t', 'filter'], check=True,
                          stdout=subprocess.PIPE, universal_newlines=True).stdout


def rules(n):
    return [{'protocol': 'tcp', 'destination_port': str(10000 + i), 'jump': 'ACCEPT'} for i in range(n)]


def playbook(tasks, folder, name):
    path = os.path.join(folder, name)
    with open(path, 'w') as handle:
        json.dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], handle)
    return path


def run_playbook(path):
    return timed([PLAYBOOK, '-i', 'localhost,', '-c', 'local', '-e', 'ansible_python_interpreter=%s' % PYTHON, path])


def stamp(var):
    return {'name': 'stamp', 'ansible.builtin.set_fact': {var: "{{ now().timestamp() }}"}}


def main():
    folder = tempfile.mkdtemp(prefix='iptables-bench-')
    out = {}
    chain_rules = rules(N)

    # 0. an empty playbook: Ansible's own fixed cost
    wall, _cpu, _p = run_playbook(playbook([], folder, 'empty.yml'))
    out['empty_playbook'] = wall

    # 1. the module in one task of a playbook
    netns(NS)
    task = {'name': 'rules', 'netvirt.linux.iptables': {'netns': NS, 'chain': 'INPUT', 'rules': chain_rules}}
    path = playbook([stamp('t0'), task, stamp('t1'), {'name': 'show', 'ansible.builtin.debug': {
        'msg': 'TASKTIME={{ t1 | float - t0 | float }}'}}], folder, 'module.yml')
    wall, _cpu, proc = run_playbook(path)
    out['playbook_module_wall'] = wall
    out['playbook_module_task'] = float(proc.stdout.split('TASKTIME=')[1].split('"')[0])
    lines = [l for l in save(NS).splitlines() if l.startswith('-A INPUT')]
    assert len(lines) == N, len(lines)

    # 2. the module process alone: create, then no change
    flush(NS)
    args = os.path.join(folder, 'args.json')
    with open(args, 'w') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': {'netns': NS, 'chain': 'INPUT', 'rules': chain_rules}}, handle)
    module = [PYTHON, '-m', 'ansible_collections.netvirt.linux.plugins.modules.iptables', args]
    out['module_create_wall'], out['module_create_cpu'], proc = repeated(module, before=lambda: flush(NS))
    created = json.loads(proc.stdout)
    assert created['changed'] and len(created['rules']['ipv4']) == N
    out['module_create_commands'] = created['commands']
    out['module_nochange_wall'], out['module_nochange_cpu'], proc = repeated(module)
    again = json.loads(proc.stdout)
    assert not again['changed']
    out['module_nochange_commands'] = again['commands']
    # Ansible's floor: the same arguments through AnsibleModule, a result of the same size, nothing else
    floor = [PYTHON, os.path.join(REPO, 'bench', 'helpers', 'ansible_floor_module.py'), args]
    out['ansible_floor_wall'], out['ansible_floor_cpu'], proc = repeated(floor)
    assert json.loads(proc.stdout)['rules']['ipv4'] == created['rules']['ipv4']
    # the same module process doing nothing at all (an empty user chain that exists): Python + imports
    with open(args, 'w') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': {'netns': NS, 'chain': 'EMPTY', 'rules': []}}, handle)
    timed(module)
    out['module_floor_wall'], out['module_floor_cpu'], _p = repeated(module)

    # 2b. the module's own work in this process: desired -> observe -> plan -> apply -> result, without
    # the Python start, the imports and AnsibleModule's argument checking and JSON (what the module
    # adds to the iptables commands themselves)
    module_chain = [l for l in save(NS).splitlines() if l.startswith('-A INPUT')]
    out['work'] = in_process(NS, chain_rules)

    # 3. a loop of ansible.builtin.iptables
    flush(NS)
    loop = {'name': 'rules', 'ansible.builtin.iptables': {
        'chain': 'INPUT', 'protocol': 'tcp', 'destination_port': '{{ item }}', 'jump': 'ACCEPT'},
        'loop': [str(10000 + i) for i in range(LOOP_N)]}
    loop_play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [stamp('t0'), loop, stamp('t1'), {
        'name': 'show', 'ansible.builtin.debug': {'msg': 'TASKTIME={{ t1 | float - t0 | float }}'}}]}]
    path = os.path.join(folder, 'loop.yml')
    with open(path, 'w') as handle:
        json.dump(loop_play, handle)
    wall, _cpu, proc = timed(['ip', 'netns', 'exec', NS, PLAYBOOK, '-i', 'localhost,', '-c', 'local',
                              '-e', 'ansible_python_interpreter=%s' % PYTHON, path])
    out['loop_n'] = LOOP_N
    out['loop_wall'] = wall
    out['loop_task'] = float(proc.stdout.split('TASKTIME=')[1].split('"')[0])
    lines = [l for l in save(NS).splitlines() if l.startswith('-A INPUT')]
    assert len(lines) == LOOP_N, len(lines)

    # 4. one bare iptables-restore of the same rules (the module's own texts, marker included)
    payload = '*filter\n%s\nCOMMIT\n' % '\n'.join(
        '-A INPUT -p tcp -m comment --comment "%s" -m tcp --dport %d -j ACCEPT' % (MARK, 10000 + i) for i in range(N))
    out['bare_wall'], out['bare_cpu'], _p = repeated(['nsenter', '--net=/run/netns/%s' % NS, 'iptables-restore',
                                                      '--noflush', '--wait'], payload, before=lambda: flush(NS))
    assert [l for l in save(NS).splitlines() if l.startswith('-A INPUT')] == module_chain, \
        'bare restore and module differ'

    report(out)


def in_process(name, chain_rules):
    # pylint: disable=import-outside-toplevel
    from ansible_collections.netvirt.linux.plugins.module_utils._netlink.session import Session
    from ansible_collections.netvirt.linux.plugins.module_utils._state.iptables import IptablesKind
    from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
    from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import argument_spec
    params = dict((k, v.get('default')) for k, v in argument_spec(IptablesKind()).items())
    params.update({'netns': name, 'chain': 'INPUT', 'rules': [
        dict((k, r.get(k)) for k in IptablesKind.argument_spec['rules']['options']) for r in chain_rules]})
    times = {}
    for label in ['create'] * REPEAT + ['nochange'] * REPEAT:
        if label == 'create':
            flush(name)
        kind = IptablesKind()
        ctx = Context(False, False)
        before = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        desired = kind.desired(params)
        with Session() as session:
            ctx.session = session
            observed = kind.observe(session, desired, ctx)
            plan = kind.plan(desired, observed, ctx)
            if plan.actions:
                kind.apply(session, plan, ctx)
            result = kind.result(desired, observed, plan, ctx)
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_SELF)
        children2 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = sum(getattr(b, f) - getattr(a, f) for a, b in ((before, after), (children, children2))
                  for f in ('ru_utime', 'ru_stime'))
        times.setdefault(label, []).append((wall, cpu, len(result['commands']), plan.changed))
    times = dict((label, median_of(runs)) for label, runs in times.items())
    assert times['create'][3] and not times['nochange'][3]
    return times


def report(out):
    per_loop = out['loop_task'] / out['loop_n']
    loop_1000 = per_loop * N
    target_saves = [c for c in out['module_nochange_commands'] if c.startswith('target:') and '-save' in c]
    print('machine: %s, %d CPUs, kernel %s, Python %s, %s' % (
        platform.processor() or platform.machine(), os.cpu_count(), platform.release(), platform.python_version(),
        subprocess.run(['iptables', '-V'], stdout=subprocess.PIPE, universal_newlines=True, check=False).stdout.strip()))
    print('rules: %d in filter/INPUT of one namespace (emptied before each method), one per destination port, -j ACCEPT' % N)
    print('')
    print('%-72s %9s %9s' % ('measurement', 'wall ms', 'CPU ms'))
    rows = [
        ('empty ansible-playbook (fixed cost)', out['empty_playbook'], None),
        ('ansible-playbook, this module in one task: whole process', out['playbook_module_wall'], None),
        ('  the task (controller clock around it)', out['playbook_module_task'], None),
        ('module process alone, create', out['module_create_wall'], out['module_create_cpu']),
        ('module process alone, no change', out['module_nochange_wall'], out['module_nochange_cpu']),
        ('module process alone, nothing to do (Python + imports + 1 save)', out['module_floor_wall'],
         out['module_floor_cpu']),
        ("module's own work in-process, create (%d commands)" % out['work']['create'][2], out['work']['create'][0],
         out['work']['create'][1]),
        ("module's own work in-process, no change (%d command)" % out['work']['nochange'][2],
         out['work']['nochange'][0], out['work']['nochange'][1]),
        ('ansible.builtin.iptables loop, %d items (measured): whole process' % out['loop_n'], out['loop_wall'], None),
        ('  the loop task (controller clock)', out['loop_task'], None),
        ('  per rule', per_loop, None),
        ('  %d rules, %s' % (N, 'measured' if out['loop_n'] == N else 'EXTRAPOLATED linearly from %d' % out['loop_n']),
         loop_1000, None),
        ('bare iptables-restore --noflush of the same %d rules' % N, out['bare_wall'], out['bare_cpu']),
        ("Ansible's floor: AnsibleModule, same %d rules in and out, nothing else" % N, out['ansible_floor_wall'],
         out['ansible_floor_cpu']),
    ]
    for label, wall, cpu in rows:
        print('%-72s %9.1f %9s' % (label, wall * 1000, '%.1f' % (cpu * 1000) if cpu is not None else '-'))
    print('(medians of %d runs: module process, in-process work, bare restore, floor)' % REPEAT)
    print('')
    print('module create commands: %s' % '; '.join(out['module_create_commands']))
    print('no-change commands:     %s' % '; '.join(out['module_nochange_commands']))
    print('no-change run: %d iptables-save read(s) of the target, %d command(s) in all'
          % (len(target_saves), len(out['module_nochange_commands'])))
    print('')
    print('ratios')
    print('  loop (%s) / module task:                       %7.1fx  (target >= 100x)'
          % ('measured' if out['loop_n'] == N else 'extrapolated', loop_1000 / out['playbook_module_task']))
    print("  module process create / bare iptables-restore (wall): %7.2fx  (Ansible's floor alone is %.1fx)"
          % (out['module_create_wall'] / out['bare_wall'], out['ansible_floor_wall'] / out['bare_wall']))
    print('  module process create / bare iptables-restore (CPU):  %7.2fx'
          % (out['module_create_cpu'] / out['bare_cpu']))
    print("  module's own work, create / bare iptables-restore (wall): %5.2fx  (CPU %.2fx; target <= 1.5x)"
          % (out['work']['create'][0] / out['bare_wall'], out['work']['create'][1] / out['bare_cpu']))
    anchor = out['ansible_floor_wall'] + out['bare_wall']
    print("  module process create / (Ansible's floor + bare restore) (wall): %5.2fx" % (out['module_create_wall'] / anchor))


if __name__ == '__main__':
    main()
