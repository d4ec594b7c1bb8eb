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

    def argv(self, args):
        tmpdir = tempfile.mkdtemp(dir=self.workdir)
        params = dict(args, _ansible_check_mode=False, _ansible_no_log=False, _ansible_debug=False,
                      _ansible_diff=False, _ansible_verbosity=0, _ansible_module_name='netvirt.linux.topology',
                      _ansible_keep_remote_files=False, _ansible_tmpdir=tmpdir, _ansible_remote_tmp=self.workdir)
        path = os.path.join(tmpdir, 'args.json')
        with open(path, 'w') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': params}, handle)
        return [self.python, '-m', 'ansible_collections.netvirt.linux.plugins.modules.topology', path], tmpdir

    def run(self, args):
        step = bad_inputs_runner.run_module(self.python, 'topology', args, False, self.workdir, self.env)
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


def main():
    python = os.path.abspath(sys.argv[1])
    points = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 13
    size = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    workdir = tempfile.mkdtemp(prefix='netvirt-kill-')
    report = {'points': [], 'seed': seed, 'size': size}
    try:
        shim = os.path.join(workdir, 'shim')
        os.mkdir(shim)
        os.symlink(bad_inputs_runner.controller_ansible(), os.path.join(shim, 'ansible'))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([bad_inputs_runner.COLLECTIONS, shim]))
        env.pop('PYTHONHOME', None)
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
