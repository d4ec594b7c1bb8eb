#!/usr/bin/env python
"""Kill-safety of the topology module, inside tools/sandbox (test_kill_safety.py starts it there).

A 100-namespace lab (one bridge in the sandbox's own namespace; per namespace a veth to it with an
address, IPv6 off, a default route, a sysctl) is built once cleanly to know what "built" looks
like (read with iproute2, not with the collection's code) and how long a build takes, then taken
down. Then, for each of N seeded random delays within that time: the build is started and
SIGKILLed after the delay, the state the kill left is read, the build is run again (it must
succeed and equal the clean build), run a third time (nothing to change), then `state: absent`
must leave nothing: no namespace, no link, no ownership record. One JSON report on stdout;
test_kill_safety.py makes the assertions.

usage: tools/sandbox .venv/bin/python kill_runner.py MODULE_PYTHON [POINTS [SEED [NAMESPACES]]]

With NAMESPACES ``iptables`` (ipt_main): the same for netvirt.linux.iptables: a run of four tasks
(~500 rules, filter and nat, user chains and an owned block in FORWARD, ``ip_version: both``)
going from one ruleset to the other (they alternate, each run from what the last kill left),
SIGKILLed at N seeded random points; after each, every owned chain of each family is as the run
found it or the new one (never a half); every 5th point the re-run equals a clean run; then a
third changes nothing and `state: absent` leaves no owned chain or rule in either family (under
/run/netvirt at most the namespace's lock file); a foreign chain and a foreign FORWARD rule
(FORWARD policy DROP) stay as they were.
"""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import bad_inputs_runner

RECORDS = '/run/netvirt/topology'


def lab(size, state='present'):
    args = {'name': 'killlab', 'state': state, 'ipv6_quiet': True}
    if state == 'absent':
        return args
    args['bridges'] = [{'name': 'kbr0', 'addresses': ['10.77.0.1/16'], 'up': True}]
    args['namespaces'] = [{'name': 'kns%d' % i} for i in range(size)]
    args['links'] = [{'name': 'kv%d' % i, 'master': 'kbr0', 'up': True,
                      'peer': {'name': 'eth0', 'netns': 'kns%d' % i, 'up': True,
                               'addresses': ['10.77.%d.%d/16' % (1 + i // 250, 1 + i % 250)]}}
                     for i in range(size)]
    args['routes'] = [{'netns': 'kns%d' % i, 'dst': 'default', 'gateway': '10.77.0.1'} for i in range(size)]
    args['sysctls'] = [{'netns': 'kns%d' % i, 'name': 'net.ipv4.ip_forward', 'value': '1'} for i in range(size)]
    return args


def ip_json(ns, *args):
    argv = ['ip'] + (['-n', ns] if ns else []) + ['-j', '-d'] + list(args)
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
    if proc.returncode != 0:
        return {'error': proc.stderr.strip()}
    return json.loads(proc.stdout or '[]')


def read_ns(ns):
    """One namespace as iproute2 shows it, without ifindexes (a namespace made again has others)."""
    links = ip_json(ns, 'addr', 'show')     # links and their addresses in one read
    if isinstance(links, dict):
        return links
    out = {'links': sorted('%s %s master=%s up=%s alias=%s mtu=%s' % (
        l['ifname'], (l.get('linkinfo') or {}).get('info_kind'), l.get('master'), 'UP' in l.get('flags', []),
        l.get('ifalias'), l.get('mtu')) for l in links)}
    out['addresses'] = sorted('%s %s/%s' % (a['ifname'], i['local'], i['prefixlen'])
                              for a in links for i in a.get('addr_info', [])
                              if i.get('scope') != 'link')
    out['routes'] = sorted('%s via %s dev %s' % (r.get('dst'), r.get('gateway'), r.get('dev'))
                           for r in ip_json(ns, 'route', 'show')
                           if r.get('protocol') != 'kernel')
    if ns:
        keys = ('net/ipv4/ip_forward', 'net/ipv6/conf/all/disable_ipv6', 'net/ipv6/conf/default/disable_ipv6')
        proc = subprocess.run(['ip', 'netns', 'exec', ns, 'cat'] + ['/proc/sys/' + k for k in keys],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True, check=False)
        out['sysctls'] = dict(zip(keys, proc.stdout.split()))
    return out


def state(deep=True):
    try:
        names = sorted(os.listdir('/run/netns'))
    except OSError:
        names = []
    out = {'named': names, 'home': read_ns(None), 'records': sorted(os.listdir(RECORDS)) if os.path.isdir(RECORDS) else []}
    if deep:
        out['namespaces'] = dict((n, read_ns(n) if os.path.ismount('/run/netns/' + n) else 'not a namespace')
                                 for n in names)
    return out


class Runner(object):
    def __init__(self, python, workdir, env):
        self.python, self.workdir, self.env = python, workdir, env

    module = 'topology'

    def argv(self, args):
        tmpdir = tempfile.mkdtemp(dir=self.workdir)
        params = dict(args, _ansible_check_mode=False, _ansible_no_log=False, _ansible_debug=False,
                      _ansible_diff=False, _ansible_verbosity=0, _ansible_module_name='netvirt.linux.' + self.module,
                      _ansible_keep_remote_files=False, _ansible_tmpdir=tmpdir, _ansible_remote_tmp=self.workdir)
        path = os.path.join(tmpdir, 'args.json')
        with open(path, 'w') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': params}, handle)
        return [self.python, '-m', 'ansible_collections.netvirt.linux.plugins.modules.' + self.module, path], tmpdir

    def run(self, args):
        step = bad_inputs_runner.run_module(self.python, self.module, args, False, self.workdir, self.env)
        result = step['result'] or {}
        return {'rc': step['rc'], 'changed': result.get('changed'), 'failed': bool(result.get('failed')) or step['rc'] != 0,
                'msg': result.get('msg') or step['stderr'][-2000:], 'elapsed': result.get('elapsed')}

    def killed(self, args, delay=None):
        """Start the module; once its apply has begun (the ownership record with what it is about
        to create appears: written just before the first action), SIGKILL it after ``delay``
        seconds. Without ``delay``: let it finish and return how long its apply took. Returns
        (finished before the kill, seconds from the apply's start to the kill or the end)."""
        argv, tmpdir = self.argv(args)
        record = os.path.join(RECORDS, args['name'] + '.json')
        proc = subprocess.Popen(argv, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, cwd=tmpdir)
        deadline = time.monotonic() + 120
        while not os.path.exists(record) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        began = time.monotonic()
        if delay is None:
            proc.wait()
            return True, time.monotonic() - began
        while time.monotonic() - began < delay and proc.poll() is None:
            time.sleep(0.0005)
        finished = proc.poll() is not None
        if not finished:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        return finished, time.monotonic() - began


def leave_half_made(names, links=()):
    """What a kill between creating /run/netns/NAME and binding the namespace to it leaves: the
    empty file, and the record written before the apply naming it as pending."""
    os.makedirs(RECORDS, exist_ok=True)
    with open(os.path.join(RECORDS, 'killlab.json'), 'w') as handle:
        json.dump({'name': 'killlab', 'namespaces': {}, 'refs': [None], 'routes': [],
                   'pending': {'namespaces': list(names), 'links': [[None, l] for l in links]}}, handle)
    os.makedirs('/run/netns', exist_ok=True)
    for name in names:
        open(os.path.join('/run/netns', name), 'w').close()


def half_made(runner, size, built, empty):
    """The kill between a namespace's file and its bind mount, made by hand (its window is a few
    microseconds): a build finishes it, an absent removes it."""
    out = {}
    leave_half_made(['kns3'])
    again = runner.run(lab(size))
    out['build'] = again
    out['build_equals_clean'] = (not again['failed']) and state() == built
    out['absent'] = runner.run(lab(size, 'absent'))
    leave_half_made(['kns3', 'kns7'], ['kv3'])
    out['absent_of_half_made'] = runner.run(lab(size, 'absent'))
    out['absent_leaves_nothing'] = state() == empty
    return out


# -- iptables --------------------------------------------------------------------------------------
IPT_FAMILIES = (('ipv4', 'iptables-nft'), ('ipv6', 'ip6tables-nft'))
IPT_TABLES = ('filter', 'nat')


def ipt_tasks(version, state='present'):
    """The run: four tasks, ~500 rules (version 0: the old ruleset, 1: the new one; they share
    about half their rules, so a commit inserts and deletes). Rules without an address go to both
    families; those with one to its own family only."""
    def ports(base, count):
        return [{'protocol': 'tcp', 'destination_port': str(base + i + 37 * version), 'jump': 'ACCEPT'}
                for i in range(count)]
    tasks = [
        {'table': 'filter', 'chain': 'NVK-IN', 'rules': ports(1000, 150) + [
            {'source': '10.%d.%d.0/24' % (version, i), 'jump': 'RETURN'} for i in range(40)] + [
            {'source': 'fd00:%d:%d::/64' % (version, i), 'jump': 'RETURN'} for i in range(40)]},
        {'table': 'filter', 'chain': 'NVK-OUT', 'rules': ports(20000, 120)},
        {'table': 'nat', 'chain': 'NVK-NAT', 'rules': [
            {'protocol': 'udp', 'destination_port': str(5000 + i + 11 * version), 'jump': 'RETURN'}
            for i in range(100)]},
        {'table': 'filter', 'chain': 'FORWARD', 'owner': 'killlab', 'rules': [
            {'in_interface': 'kif%d' % (i + version * 10), 'jump': 'NVK-IN' if i % 2 else 'NVK-OUT'}
            for i in range(50)]},
    ]
    out = []
    for task in (tasks if state == 'present' else list(reversed(tasks))):
        task = dict(task, ip_version='both', backend='nft', state=state)
        if state == 'absent':
            task['rules'] = []
        out.append(task)
    return out


def ipt_save(family_tool, table):
    proc = subprocess.run([family_tool + '-save', '-t', table], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, check=False)
    return proc.stdout if proc.returncode == 0 else 'error: ' + proc.stderr.strip()


def ipt_state():
    """Per family and table, each chain's policy and rules (iptables-save, counters dropped), and
    what is under /run/netvirt."""
    out = {}
    for fam, tool in IPT_FAMILIES:
        for table in IPT_TABLES:
            chains = {}
            for line in ipt_save(tool, table).splitlines():
                if line.startswith(':'):
                    name, policy = line[1:].split()[:2]
                    chains.setdefault(name, {'policy': policy, 'rules': []})
                elif line.startswith('-A '):
                    name, rule = line[3:].split(' ', 1)
                    chains.setdefault(name, {'policy': '-', 'rules': []})['rules'].append(rule)
            out['%s %s' % (fam, table)] = chains
    out['run'] = sorted(os.listdir('/run/netvirt')) if os.path.isdir('/run/netvirt') else []
    return out


OWNED = ('filter NVK-IN', 'filter NVK-OUT', 'nat NVK-NAT')


def ipt_owned(st):
    """The owner's part of a state: per family, its user chains (None when absent) and its FORWARD block."""
    out = {}
    for fam, _tool in IPT_FAMILIES:
        for key in OWNED:
            table, chain = key.split()
            out['%s %s' % (fam, key)] = (st['%s %s' % (fam, table)].get(chain) or {}).get('rules')
        forward = st['%s filter' % fam].get('FORWARD', {}).get('rules', [])
        out['%s filter FORWARD' % fam] = [r for r in forward if 'netvirt:killlab' in r]
    return out


def ipt_foreign(st):
    """Everything that is not the owner's: the hand-made chain, FORWARD's other rules, the rest."""
    out = {}
    for key, chains in st.items():
        if key == 'run':
            continue
        table = key.split()[1]
        for name, chain in chains.items():
            if '%s %s' % (table, name) in OWNED:
                continue
            rules_ = [r for r in chain['rules'] if 'netvirt:killlab' not in r]
            out['%s %s' % (key, name)] = (chain['policy'], rules_)
    return out


def ipt_foreign_setup():
    for tool in ('iptables-nft', 'ip6tables-nft'):
        for argv in (['-N', 'HANDMADE'], ['-A', 'HANDMADE', '-p', 'tcp', '--dport', '9', '-j', 'DROP'],
                     ['-A', 'FORWARD', '-i', 'foreign0', '-j', 'HANDMADE'], ['-P', 'FORWARD', 'DROP']):
            subprocess.run([tool] + argv, check=True)


def ipt_sequence(runner, version, state='present'):
    """The run, task by task; the first failure ends it."""
    results = []
    for task in ipt_tasks(version, state):
        step = runner.run(task)
        results.append(step)
        if step['failed']:
            break
    return {'failed': any(r['failed'] for r in results), 'changed': any(r['changed'] for r in results),
            'msg': '; '.join(r['msg'] for r in results if r['failed'])[:2000]}


def ipt_killed(runner, tasks, delay):
    """Start the tasks one after the other; SIGKILL the one running ``delay`` seconds after the
    first began (no later task starts). Returns (which task was killed or None, seconds)."""
    began = time.monotonic()
    for k, task in enumerate(tasks):
        argv, tmpdir = runner.argv(task)
        proc = subprocess.Popen(argv, env=runner.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, cwd=tmpdir)
        while time.monotonic() - began < delay and proc.poll() is None:
            time.sleep(0.0005)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return k, time.monotonic() - began
        proc.wait()
    return None, time.monotonic() - began


FAIL6 = '''#!%s
import os, sys
if '--test' in sys.argv or '--noflush' not in sys.argv:     # the check, or the scratch namespace
    os.execv(%r, [%r] + sys.argv[1:])
sys.stdin.read()
sys.stderr.write('ip6tables-restore v1.8.9 (nf_tables): line 3: RULE_INSERT failed (injected by kill_runner)\\n')
sys.exit(4)
'''


def ipt_refused_commit(runner, workdir, clean):
    """The IPv6 commit refused after the IPv4 one went in (an ip6tables-nft-restore first on PATH
    that passes --test and the scratch namespace's restores, and fails the real commit): the task fails naming IPv6 and the rule, and
    IPv4 is put back as it was (the state stays the clean run's)."""
    folder = os.path.join(workdir, 'fail6')
    os.mkdir(folder)
    real = shutil.which('ip6tables-nft-restore')
    path = os.path.join(folder, 'ip6tables-nft-restore')
    with open(path, 'w') as handle:
        handle.write(FAIL6 % (sys.executable, real, real))
    os.chmod(path, 0o755)
    env = dict(runner.env, PATH=folder + os.pathsep + runner.env.get('PATH', ''))
    failing = Runner(runner.python, runner.workdir, env)
    failing.module = 'iptables'
    step = failing.run(ipt_tasks(0)[0])
    after = ipt_state()
    return {'failed': step['failed'], 'msg': step['msg'], 'state_kept': after == clean,
            'changed_chains': sorted(k for k, v in ipt_owned(after).items() if v != ipt_owned(clean)[k])}


def ipt_main(python, points, seed, workdir, env, every=5):
    """Each point: a run towards version n % 2 from what the last kill left, SIGKILLed at a random
    offset; every chain of the owner must then be as that run found it or the new version. Every
    ``every`` points (and after the last) the run is done again: it must equal a clean run of that
    version; then a third changes nothing, once, and `state: absent` leaves nothing."""
    runner = Runner(python, workdir, env)
    runner.module = 'iptables'
    report = {'points': [], 'seed': seed, 'mode': 'iptables', 'every': every}
    ipt_foreign_setup()
    report['empty'] = empty = ipt_state()
    foreign = ipt_foreign(empty)
    clean = {}
    for version in (0, 1):
        started = time.monotonic()
        report['clean_run_%d' % version] = ipt_sequence(runner, version)
        report['run_seconds_%d' % version] = time.monotonic() - started
        clean[version] = ipt_state()
    took = max(report['run_seconds_0'], report['run_seconds_1'])
    report['rules'] = dict((k, len(v or [])) for k, v in ipt_owned(clean[1]).items())
    report['clean_rerun'] = ipt_sequence(runner, 1)
    report['old_differs_from_new'] = all(ipt_owned(clean[0])[k] != v for k, v in ipt_owned(clean[1]).items())
    report['ipv6_refused_at_commit'] = ipt_refused_commit(runner, workdir, clean[1])
    rand = random.Random(seed)
    for n in range(points):
        version = n % 2
        before = ipt_owned(ipt_state())
        new = ipt_owned(clean[version])
        delay = rand.uniform(0, took)
        point = {'delay': round(delay, 4), 'version': version}
        killed, after = ipt_killed(runner, ipt_tasks(version), delay)
        point['finished_first'], point['killed_task'], point['killed_after'] = killed is None, killed, round(after, 4)
        left = ipt_state()
        owned = ipt_owned(left)
        point['chains'] = dict((k, 'new' if v == new[k] else 'old' if v == before[k] else 'half')
                               for k, v in owned.items())
        point['half'] = dict((k, owned[k]) for k, v in point['chains'].items() if v == 'half')
        point['mixed'] = len(set(point['chains'].values())) > 1
        # a kill between a task's IPv4 and IPv6 commits: that chain new in one family, old in the other
        point['family_split'] = sorted(k[5:] for k, v in point['chains'].items()
                                       if k.startswith('ipv4 ') and v != point['chains']['ipv6 ' + k[5:]])
        if killed is None:      # not killed: the run went on from the last kill's state; it must be clean
            point['finished_equals_clean'] = left == clean[version]
            took = min(took, after)     # the machine got quicker (load): later points fall inside the run
        point['foreign_kept'] = ipt_foreign(left) == foreign
        if (n + 1) % every == 0 or n == points - 1:
            again = ipt_sequence(runner, version)
            point['rerun'] = again
            now = ipt_state()
            point['rerun_equals_clean'] = (not again['failed']) and now == clean[version]
            point['foreign_kept'] = point['foreign_kept'] and ipt_foreign(now) == foreign
        report['points'].append(point)
    last = (points - 1) % 2
    third = ipt_sequence(runner, last)
    report['third_changed'], report['third_failed'] = third['changed'], third['failed']
    gone = ipt_sequence(runner, last, 'absent')
    report['absent'] = gone
    after = ipt_state()
    report['left_after_absent'] = dict((k, v) for k, v in after.items() if k != 'run' and empty.get(k) != v)
    report['run_after_absent'] = after['run']
    report['absent_leaves_nothing'] = not report['left_after_absent'] and ipt_foreign(after) == foreign
    return report


def main():
    python = os.path.abspath(sys.argv[1])
    if len(sys.argv) > 4 and sys.argv[4] == 'iptables':
        workdir = tempfile.mkdtemp(prefix='netvirt-kill-')
        try:
            env = bad_inputs_runner.module_env(workdir)
            report = ipt_main(python, int(sys.argv[2]), int(sys.argv[3]), workdir, env)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        json.dump(report, sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write('\n')
        return
    points = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 13
    size = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    workdir = tempfile.mkdtemp(prefix='netvirt-kill-')
    report = {'points': [], 'seed': seed, 'size': size}
    try:
        env = bad_inputs_runner.module_env(workdir)
        runner = Runner(python, workdir, env)
        report['empty'] = empty = state()
        _done, took = runner.killed(lab(size))        # a clean build, timed from its apply's start
        report['apply_seconds'] = round(took, 4)
        report['built'] = built = state()
        report['clean_rerun'] = runner.run(lab(size))
        report['clean_absent'] = runner.run(lab(size, 'absent'))
        report['clean_absent_leaves_nothing'] = state() == empty
        rand = random.Random(seed)
        for n in range(points):
            # a point within the apply (plus a little after it: the last record write)
            delay = rand.uniform(0, 1.1 * took)
            point = {'delay': round(delay, 4)}
            point['finished_first'], point['killed_after'] = runner.killed(lab(size), delay)
            point['killed_after'] = round(point['killed_after'], 4)
            try:
                with open(os.path.join(RECORDS, 'killlab.json')) as handle:
                    pending = json.load(handle).get('pending') or {}
            except (IOError, OSError, ValueError):
                pending = {}
            # killed before its last record was written: the build was cut short
            point['cut_short'] = bool(pending.get('namespaces') or pending.get('links'))
            left = state(deep=False)
            point['left_namespaces'] = len(left['named'])
            point['left_links_home'] = len(left['home'].get('links', []))
            again = runner.run(lab(size))
            point['rerun'] = again
            point['rerun_equals_clean'] = (not again['failed']) and state() == built
            third = runner.run(lab(size))
            point['third_changed'] = third['changed']
            point['third_failed'] = third['failed']
            gone = runner.run(lab(size, 'absent'))
            point['absent_failed'] = gone['failed']
            after = state(deep=False)
            point['absent_leaves_nothing'] = after == dict((k, v) for k, v in empty.items() if k != 'namespaces')
            if after != empty:
                point['left_after_absent'] = {'named': after['named'], 'home': after['home'], 'records': after['records']}
                # clean up for the next point, with iproute2, so that one failure does not cascade
                for name in after['named']:
                    subprocess.run(['ip', 'netns', 'delete', name], check=False, stderr=subprocess.DEVNULL)
                for line in after['home'].get('links', []):
                    if line.startswith(('kv', 'kbr')):
                        subprocess.run(['ip', 'link', 'delete', line.split()[0]], check=False, stderr=subprocess.DEVNULL)
                shutil.rmtree(RECORDS, ignore_errors=True)
            report['points'].append(point)
        report['half_made'] = half_made(runner, size, built, empty)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    json.dump(report, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
