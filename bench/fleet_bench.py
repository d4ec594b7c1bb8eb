#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role netvirt.linux.overlay on a simulated fleet: N hosts, each a network namespace reached
through the netvirt.linux.netns connection plugin with a private mount namespace (its own
/run/netns, /run/netvirt, /sys), all joined by one underlay bridge in a namespace of its own.

    tools/sandbox .venv/bin/python bench/fleet_bench.py [--sizes 8,16,32,64,100] [--forks 10]

(`make bench B=fleet` runs it with the default sizes.) Each size runs in a sandbox of its own
(tools/sandbox): the fleet is made with `ip` (argument lists), then one play each of:
converge (the role), no-change (the role again: must change nothing), verify (the role's
tasks_from: verify, the full cross-host matrix: 2 containers a host, blue and red networks,
every container to every other, reachable within a network and unreachable across). Prints
wall times, the per-host time of the topology module (its own `elapsed`), and the replication
entries (N-1 a host, N(N-1) a network in all).
"""

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SANDBOX = os.path.join(ROOT, 'tools', 'sandbox')
VENV = os.environ.get('NETVIRT_BENCH_VENV') or os.path.join(ROOT, '.venv')
PLAYBOOK = os.path.join(VENV, 'bin', 'ansible-playbook')

NETWORKS = [{'name': 'blue', 'vni': 100, 'subnet': '10.100.0.0/16'},
            {'name': 'red', 'vni': 200, 'subnet': '10.200.0.0/16'}]


def host_name(i):
    return 'h%d' % i


def underlay_address(i):
    return '198.18.%d.%d' % (i // 250, i % 250 + 1)


def container_address(net, i):
    base = 100 if net == 'blue' else 200
    return '10.%d.%d.%d' % (base, 128 + i // 250, i % 250 + 1)


def ip(*argv):
    subprocess.run(['ip'] + list(argv), check=True)


def make_fleet(n, mtu=1500):
    """The underlay: bridge ul in namespace underlay; host hI has ul0 (198.18.x.y/16) on it."""
    ip('netns', 'add', 'underlay')
    ip('-n', 'underlay', 'link', 'add', 'ul', 'type', 'bridge')
    ip('-n', 'underlay', 'link', 'set', 'ul', 'mtu', str(mtu), 'up')
    for i in range(1, n + 1):
        h = host_name(i)
        ip('netns', 'add', h)
        ip('-n', 'underlay', 'link', 'add', 'p%d' % i, 'mtu', str(mtu), 'type', 'veth',
           'peer', 'name', 'ul0', 'netns', h)
        ip('-n', 'underlay', 'link', 'set', 'p%d' % i, 'master', 'ul', 'up')
        ip('-n', h, 'addr', 'add', underlay_address(i) + '/16', 'dev', 'ul0')
        ip('-n', h, 'link', 'set', 'ul0', 'up')
        ip('-n', h, 'link', 'set', 'lo', 'up')


def host_vars(i):
    return {'ansible_connection': 'netvirt.linux.netns',
            'ansible_netns_private_mounts': True,
            'overlay_underlay_interface': 'ul0',
            'overlay_host_index': i,
            'overlay_containers': [
                {'name': 'c1', 'network': 'blue', 'address': container_address('blue', i)},
                {'name': 'c2', 'network': 'red', 'address': container_address('red', i)}]}


def inventory(hosts, python):
    return {'all': {'vars': {'ansible_python_interpreter': python},
                    'children': {'fleet': {'hosts': dict((host_name(i), host_vars(i)) for i in hosts)}}}}


def play(tasks_from='main', extra=None, hosts='fleet'):
    role = {'name': 'netvirt.linux.overlay', 'tasks_from': tasks_from}
    v = {'overlay_group': 'fleet', 'overlay_networks': NETWORKS}
    v.update(extra or {})
    return [{'name': 'overlay %s' % tasks_from, 'hosts': hosts, 'gather_facts': False, 'vars': v,
             'tasks': [{'name': 'The role', 'ansible.builtin.include_role': role},
                       {'name': 'Keep the results', 'ansible.builtin.set_fact': {
                           'fleet_result': {'topology': "{{ (overlay_topology_absent if (overlay_state | default('present')) == 'absent' else overlay_topology)"
                                                        " | default({}) }}",
                                            'reach': '{{ overlay_reachability | default({}) }}'}}}]},
            {'name': 'collect', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [
                {'name': 'Write the results', 'check_mode': False, 'ansible.builtin.copy': {
                    'dest': '{{ fleet_out }}', 'mode': '0644',
                    'content': "{{ dict(groups[%r] | zip(groups[%r] | map('extract', hostvars, 'fleet_result'))) | to_json }}"
                    % (hosts, hosts)}}]}]


def run_play(workdir, name, plays, inv, forks, extra_vars=None):
    path = os.path.join(workdir, name + '.yml')
    with open(path, 'w') as handle:
        json.dump(plays, handle)
    out = os.path.join(workdir, name + '.json')
    env = dict(os.environ)
    env.update({'ANSIBLE_COLLECTIONS_PATH': os.path.join(ROOT, '.build', 'collections'),
                'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'False', 'ANSIBLE_RETRY_FILES_ENABLED': '0',
                'ANSIBLE_FORKS': str(forks), 'ANSIBLE_PIPELINING': '1', 'ANSIBLE_NOCOLOR': '1',
                'ANSIBLE_HOST_KEY_CHECKING': '0', 'ANSIBLE_LOCALHOST_WARNING': '0'})
    ev = {'fleet_out': out}
    ev.update(extra_vars or {})
    cmd = [PLAYBOOK, '-i', inv, '-e', json.dumps(ev), path]
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    wall = time.monotonic() - started
    log = os.path.join(workdir, name + '.log')
    with open(log, 'wb') as handle:
        handle.write(proc.stdout)
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout.decode('utf-8', 'replace')[-6000:])
        raise SystemExit('fleet_bench: %s failed (exit %d), log %s' % (name, proc.returncode, log))
    with open(out) as handle:
        return wall, json.load(handle)


def one(n, forks, workdir):
    python = os.environ.get('NETVIRT_BENCH_PYTHON') or os.path.join(VENV, 'bin', 'python')
    make_fleet(n)
    inv = os.path.join(workdir, 'inventory.json')
    with open(inv, 'w') as handle:
        json.dump(inventory(range(1, n + 1), python), handle)
    row = {'hosts': n}
    wall, res = run_play(workdir, 'converge', play(), inv, forks)
    row['converge'] = wall
    changed = [h for h, r in res.items() if r['topology'].get('changed')]
    assert len(changed) == n, 'converge changed %d of %d hosts' % (len(changed), n)
    row['module_converge'] = sum(float(r['topology'].get('elapsed') or 0) for r in res.values()) / n
    remotes = [len(v['remotes']) for r in res.values() for v in r['topology'].get('vxlans', [])
               if isinstance(v, dict) and 'remotes' in v]
    wall, res = run_play(workdir, 'nochange', play(), inv, forks)
    row['nochange'] = wall
    changed = [h for h, r in res.items() if r['topology'].get('changed')]
    assert not changed, 'the second run changed %s' % changed
    row['module_nochange'] = sum(float(r['topology'].get('elapsed') or 0) for r in res.values()) / n
    wall, res = run_play(workdir, 'verify', play('verify', {'overlay_verify_timeout': 3.0, 'overlay_verify_count': 3}), inv, forks)
    row['verify'] = wall
    probes = sum(int(r['reach']['summary']['probes']) for r in res.values())
    unmet = sum(int(r['reach']['summary']['unmet']) for r in res.values())
    assert probes == 2 * n * (2 * n - 1), 'verify ran %d probes' % probes
    assert unmet == 0, '%d expectations unmet' % unmet
    row['probes'] = probes
    row['fdb_entries'] = 2 * n * (n - 1)
    del remotes
    return row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--sizes', default='8,16,32,64,100')
    parser.add_argument('--forks', type=int, default=10)
    parser.add_argument('--one', type=int)
    args = parser.parse_args()
    if args.one:
        workdir = os.path.join(ROOT, '.build', 'fleet-bench', str(args.one))
        os.makedirs(workdir, exist_ok=True)
        print('FLEET ' + json.dumps(one(args.one, args.forks, workdir)))
        return
    with open('/proc/loadavg') as handle:
        print('load before: %s' % handle.read().split()[:3])
    rows = []
    for n in [int(x) for x in args.sizes.split(',')]:
        proc = subprocess.run([SANDBOX, sys.executable, os.path.abspath(__file__), '--one', str(n),
                               '--forks', str(args.forks)], stdout=subprocess.PIPE, check=False)
        text = proc.stdout.decode('utf-8', 'replace')
        lines = [line for line in text.splitlines() if line.startswith('FLEET ')]
        if proc.returncode != 0 or not lines:
            sys.stdout.write(text[-6000:])
            raise SystemExit('fleet_bench: %d hosts failed' % n)
        row = json.loads(lines[-1][6:])
        with open('/proc/loadavg') as handle:
            row['load'] = handle.read().split()[0]
        rows.append(row)
        print('%(hosts)4d hosts: converge %(converge)6.1f s, no-change %(nochange)6.1f s, verify %(verify)6.1f s; '
              'topology module per host %(module_converge).2f s / %(module_nochange).2f s; %(probes)d probes; '
              '%(fdb_entries)d FDB entries; load %(load)s' % row)
        sys.stdout.flush()
    base = rows[0]
    print('\n| hosts | converge s | no-change s | verify s | per host converge/no-change/verify s | module s/host '
          '(converge, no-change) | probes | FDB entries | load |')
    print('|---|---|---|---|---|---|---|---|---|')
    for r in rows:
        print('| %d | %.1f | %.1f | %.1f | %.2f / %.2f / %.2f | %.2f, %.2f | %d | %d | %s |' % (
            r['hosts'], r['converge'], r['nochange'], r['verify'], r['converge'] / r['hosts'],
            r['nochange'] / r['hosts'], r['verify'] / r['hosts'], r['module_converge'], r['module_nochange'],
            r['probes'], r['fdb_entries'], r['load']))
    last = rows[-1]
    k = last['hosts'] / float(base['hosts'])
    print('\nratio %d/%d hosts = %.1f: converge x%.1f, no-change x%.1f, verify x%.1f, module time per host x%.1f'
          % (last['hosts'], base['hosts'], k, last['converge'] / base['converge'], last['nochange'] / base['nochange'],
             last['verify'] / base['verify'], last['module_converge'] / max(base['module_converge'], 1e-6)))


if __name__ == '__main__':
    main()
