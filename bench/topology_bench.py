# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of netvirt.linux.topology against its anchors. Runs inside tools/sandbox (make bench).

Topology: N namespaces, each with a veth whose inside end is eth0 with an IPv4 address and up and
whose outside end is a port of one bridge (in the sandbox's root namespace) with an address;
Docker's default network without NAT. Each method is measured REPEAT times per N, medians; the
result is checked after every build and everything is removed between runs.

  NETVIRT_BENCH_N="100 500"  NETVIRT_BENCH_REPEAT=3  NETVIRT_BENCH_LOOP_N=50
"""

from __future__ import absolute_import, division, print_function

import json
import os
import platform
import resource
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
MODULE = os.path.join(ROOT, 'plugins', 'modules', 'topology.py')
NS = [int(n) for n in os.environ.get('NETVIRT_BENCH_N', '100 500').split()]
REPEAT = int(os.environ.get('NETVIRT_BENCH_REPEAT', '3'))
LOOP_N = int(os.environ.get('NETVIRT_BENCH_LOOP_N', '50'))
WORK = None   # a temporary folder, made by main()
BRIDGE_ADDR = '10.0.0.1/16'
TOPO = 'bench'


def addr(i):
    host = i + 2
    return '10.0.%d.%d' % (host // 256, host % 256)


def run(argv, **kwargs):
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kwargs)


def timed(argv, env=None):
    """Wall time and peak RSS (MB) of one child process."""
    start = time.time()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            universal_newlines=True)
    out, err = proc.communicate()
    wall = time.time() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError('%s failed (%s):\n%s\n%s' % (argv[0], proc.returncode, out[-3000:], err[-3000:]))
    return wall, out, usage


def child_rss(argv, env=None):
    """Peak RSS (MB) of one child process, via wait4."""
    start = time.time()
    with tempfile.TemporaryFile() as sink:   # a pipe would fill up and block the child before wait4
        proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.DEVNULL, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = status
        sink.seek(0)
        out = sink.read()
    if status != 0:
        raise RuntimeError('%s failed: %s' % (argv, out[-2000:]))
    return time.time() - start, usage.ru_maxrss / 1024.0, out


# -- cleanup and check ----------------------------------------------------------------------
def cleanup():
    subprocess.run(['ip', '-all', 'netns', 'delete'], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(['ip', 'link', 'del', 'br0'], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree('/run/netvirt/topology', ignore_errors=True)
    # namespaces are destroyed by the kernel in the background: let it finish
    for _round in range(100):
        links = run(['ip', '-o', 'link']).stdout.count('\n')
        if links <= 1:
            break
        time.sleep(0.1)
    time.sleep(0.5)


CHECK = r'''
import ctypes, ctypes.util, os, sys, json
from pyroute2 import IPRoute
n = int(sys.argv[1])
libc = ctypes.CDLL(ctypes.util.find_library('c'), use_errno=True)
home = os.open('/proc/thread-self/ns/net', os.O_RDONLY)
root = IPRoute()
br = root.link_lookup(ifname='br0')
errors = []
if not br:
    errors.append('no br0')
else:
    ports = [l.get_attr('IFLA_IFNAME') for l in root.get_links() if l.get_attr('IFLA_MASTER') == br[0]]
    if len(ports) != n:
        errors.append('br0 has %d ports, not %d' % (len(ports), n))
names = sorted(os.listdir('/run/netns'))
if len(names) != n:
    errors.append('%d namespaces, not %d' % (len(names), n))
for name in names:
    fd = os.open('/run/netns/' + name, os.O_RDONLY)
    libc.setns(fd, 0x40000000)
    s = IPRoute()
    libc.setns(home, 0x40000000)
    os.close(fd)
    idx = s.link_lookup(ifname='eth0')
    if not idx:
        errors.append(name + ': no eth0'); s.close(); continue
    link = s.link('get', index=idx[0])[0]
    if not link['flags'] & 1:
        errors.append(name + ': eth0 down')
    addrs = [a.get_attr('IFA_LOCAL') for a in s.get_addr(index=idx[0], family=2)]
    if len(addrs) != 1:
        errors.append('%s: eth0 addresses %s' % (name, addrs))
    s.close()
print(json.dumps(errors[:10]))
'''


def check(n):
    out = run([PY, '-c', CHECK, str(n)]).stdout
    errors = json.loads(out)
    if errors:
        raise RuntimeError('check failed at N=%d: %s' % (n, errors))


# -- the methods ----------------------------------------------------------------------------
def ip_script(n):
    lines = ['set -e', 'ip link add br0 type bridge stp_state 0 forward_delay 0',
             'ip addr add %s dev br0' % BRIDGE_ADDR, 'ip link set br0 up']
    for i in range(n):
        lines += ['ip netns add ns%d' % i,
                  'ip link add v%d type veth peer name eth0 netns ns%d' % (i, i),
                  'ip link set v%d master br0' % i,
                  'ip link set v%d up' % i,
                  'ip -n ns%d addr add %s/16 dev eth0' % (i, addr(i)),
                  'ip -n ns%d link set eth0 up' % i,
                  'ip -n ns%d link set lo up' % i]
    path = os.path.join(WORK, 'ip-%d.sh' % n)
    with open(path, 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    return ['bash', path]


def ip_batch(n):
    root = ['link add br0 type bridge stp_state 0 forward_delay 0', 'addr add %s dev br0' % BRIDGE_ADDR,
            'link set br0 up']
    for i in range(n):
        root += ['netns add ns%d' % i, 'link add v%d master br0 type veth peer name eth0 netns ns%d' % (i, i),
                 'link set v%d up' % i]
    with open(os.path.join(WORK, 'root-%d.batch' % n), 'w') as handle:
        handle.write('\n'.join(root) + '\n')
    lines = ['set -e', 'ip -batch %s' % os.path.join(WORK, 'root-%d.batch' % n)]
    for i in range(n):
        lines.append("printf 'addr add %s/16 dev eth0\\nlink set eth0 up\\nlink set lo up\\n' | ip -n ns%d -batch -"
                     % (addr(i), i))
    path = os.path.join(WORK, 'batch-%d.sh' % n)
    with open(path, 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    return ['bash', path]


RAW = r'''
import ctypes, ctypes.util, os, sys
from pyroute2 import IPRoute
n = int(sys.argv[1])
libc = ctypes.CDLL(ctypes.util.find_library('c'), use_errno=True)
NEWNET, MS_BIND, MS_REC, MS_SHARED = 0x40000000, 4096, 16384, 1 << 20
home = os.open('/proc/thread-self/ns/net', os.O_RDONLY)
os.makedirs('/run/netns', exist_ok=True)
if libc.mount(b'', b'/run/netns', b'none', MS_SHARED | MS_REC, None) != 0:
    libc.mount(b'/run/netns', b'/run/netns', b'none', MS_BIND | MS_REC, None)
    libc.mount(b'', b'/run/netns', b'none', MS_SHARED | MS_REC, None)
root = IPRoute()
root.link('add', ifname='br0', kind='bridge', br_stp_state=0, br_forward_delay=0)
br = root.link_lookup(ifname='br0')[0]
root.addr('add', index=br, address='10.0.0.1', prefixlen=16)
root.link('set', index=br, state='up')
for i in range(n):
    path = '/run/netns/ns%d' % i
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0))
    assert libc.unshare(NEWNET) == 0
    assert libc.mount(b'/proc/thread-self/ns/net', path.encode(), b'none', MS_BIND, None) == 0
    with open('/proc/sys/net/ipv6/conf/default/disable_ipv6', 'w') as f:
        f.write('1')
    ns = IPRoute()
    fd = os.open(path, os.O_RDONLY)
    libc.setns(home, NEWNET)
    root.link('add', ifname='v%d' % i, kind='veth', master=br, peer={'ifname': 'eth0', 'net_ns_fd': fd})
    os.close(fd)
    idx = ns.link_lookup(ifname='eth0')[0]
    host = i + 2
    ns.addr('add', index=idx, address='10.0.%d.%d' % (host // 256, host % 256), prefixlen=16)
    ns.link('set', index=idx, state='up')
    ns.link('set', index=1, state='up')
    ns.close()
    root.link('set', ifname='v%d' % i, state='up')
root.close()
'''


def raw_pyroute2(n):
    return [PY, '-c', RAW, str(n)]


def env():
    out = dict(os.environ)
    out.update({'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS, 'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'False',
                'ANSIBLE_RETRY_FILES_ENABLED': '0', 'ANSIBLE_STDOUT_CALLBACK': 'oneline', 'ANSIBLE_NOCOLOR': '1',
                'ANSIBLE_LOCALHOST_WARNING': '0', 'ANSIBLE_HOME': os.path.join(WORK, 'ansible-home')})
    return out


def topology_args(n, state='present'):
    if state == 'absent':
        return {'name': TOPO, 'state': 'absent'}
    return {
        'name': TOPO,
        'bridges': [{'name': 'br0', 'stp': False, 'forward_delay': 0, 'addresses': [BRIDGE_ADDR]}],
        'namespaces': [{'name': 'ns%d' % i} for i in range(n)],
        'links': [{'name': 'v%d' % i, 'master': 'br0',
                   'peer': {'name': 'eth0', 'netns': 'ns%d' % i, 'addresses': ['%s/16' % addr(i)]}}
                  for i in range(n)],
    }


def playbook(name, tasks):
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]
    path = os.path.join(WORK, name + '.yml')
    with open(path, 'w') as handle:
        json.dump(play, handle)
    return [PLAYBOOK, '-i', 'localhost,', '-c', 'local', '-e', 'ansible_python_interpreter=%s' % PY, path]


def topology_playbook(n, state='present'):
    return playbook('topology-%d-%s' % (n, state),
                    [{'name': 'Topology', 'netvirt.linux.topology': topology_args(n, state)}])


def loop_playbook(n):
    bridge = {'name': 'br0', 'stp': False, 'forward_delay': 0, 'addresses': [BRIDGE_ADDR]}
    tasks = [{'name': 'Bridge', 'netvirt.linux.bridge': bridge},
             {'name': 'Namespaces', 'netvirt.linux.netns': {'name': '{{ item }}'},
              'loop': ['ns%d' % i for i in range(n)]},
             {'name': 'Links', 'netvirt.linux.veth': {
                 'name': 'v{{ item }}', 'master': 'br0',
                 'peer': {'name': 'eth0', 'netns': 'ns{{ item }}', 'addresses': ['{{ addrs[item] }}/16']}},
              'loop': list(range(n)), 'vars': {'addrs': [addr(i) for i in range(n)]}}]
    return playbook('loop-%d' % n, tasks)


def module_result(out):
    """The module's own result from the oneline callback: 'localhost | CHANGED => {...}'."""
    for line in out.splitlines():
        if '=> {' in line and 'elapsed' in line:
            return json.loads(line.split('=> ', 1)[1])
    raise RuntimeError('no module result in:\n' + out[-2000:])


def module_direct(n, state='present'):
    """The module run as a plain process (no Ansible around it), for its peak RSS."""
    path = os.path.join(WORK, 'args-%d-%s.json' % (n, state))
    with open(path, 'w') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': topology_args(n, state)}, handle)
    e = dict(os.environ, PYTHONPATH=COLLECTIONS)
    wall, rss, out = child_rss([PY, MODULE, path], env=e)
    return wall, rss, json.loads(out)


# -- driver ---------------------------------------------------------------------------------
def measure():
    results = {}
    for n in NS:
        res = results[n] = {}
        sys.stdout.write('N=%d\n' % n)
        for label, build in (('ip', ip_script), ('batch', ip_batch), ('raw', raw_pyroute2)):
            times = []
            for _round in range(REPEAT):
                cleanup()
                wall, _out, _u = timed(build(n))
                check(n)
                times.append(wall)
            res[label] = statistics.median(times)
            sys.stdout.write('  %-8s %s\n' % (label, ' '.join('%.2f' % t for t in times)))
        if n == min(NS) and LOOP_N:
            times = []
            for _round in range(REPEAT):
                cleanup()
                wall, _out, _u = timed(loop_playbook(LOOP_N), env=env())
                check(LOOP_N)
                times.append(wall)
            results['loop'] = (LOOP_N, statistics.median(times))
            sys.stdout.write('  loop(N=%d) %s\n' % (LOOP_N, ' '.join('%.2f' % t for t in times)))
        cols = {'build_mod': [], 'build_all': [], 'again_mod': [], 'again_all': [], 'down_mod': [], 'down_all': []}
        for _round in range(REPEAT):
            cleanup()
            wall, out, _u = timed(topology_playbook(n), env=env())
            check(n)
            result = module_result(out)
            assert result['changed'], 'the first run must change'
            cols['build_mod'].append(result['elapsed'])
            cols['build_all'].append(wall)
            wall, out, _u = timed(topology_playbook(n), env=env())
            result = module_result(out)
            assert not result['changed'], 'the second run must not change: %s' % result['actions'][:5]
            cols['again_mod'].append(result['elapsed'])
            cols['again_all'].append(wall)
            wall, out, _u = timed(topology_playbook(n, 'absent'), env=env())
            result = module_result(out)
            assert result['changed']
            cols['down_mod'].append(result['elapsed'])
            cols['down_all'].append(wall)
            leftover = os.listdir('/run/netns') if os.path.isdir('/run/netns') else []
            assert not leftover, 'namespaces left after state=absent: %s' % leftover[:5]
        for key, values in cols.items():
            res[key] = statistics.median(values)
            sys.stdout.write('  %-9s %s\n' % (key, ' '.join('%.3f' % t for t in values)))
        # peak RSS of the module process itself (run without Ansible around it)
        cleanup()
        _w, rss_build, _r = module_direct(n)
        check(n)
        _w, rss_again, _r = module_direct(n)
        _w, rss_down, _r = module_direct(n, 'absent')
        res['rss'] = max(rss_build, rss_again, rss_down)
        sys.stdout.write('  rss MB build %.1f again %.1f absent %.1f\n' % (rss_build, rss_again, rss_down))
        cleanup()
    return results


def facts():
    version = run([PY, '-c', 'import pyroute2; print(pyroute2.__version__)']).stdout.strip()
    pyver = run([PY, '-c', 'import platform; print(platform.python_version())']).stdout.strip()
    return {'nproc': os.cpu_count(), 'kernel': platform.release(), 'pyroute2': version, 'python': pyver,
            'ulimit_n': resource.getrlimit(resource.RLIMIT_NOFILE)[0],
            'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}


def table(results, f):
    lines = ['Machine: %(nproc)s CPUs, kernel %(kernel)s, Python %(python)s, pyroute2 %(pyroute2)s, '
             'ulimit -n %(ulimit_n)s; %(date)s; medians of %(repeat)s runs.' % dict(f, repeat=REPEAT), '',
             '| method | ' + ' | '.join('N=%d' % n for n in NS) + ' |',
             '|---|' + '---|' * len(NS)]

    def row(label, key, fmt='%.2f s'):
        cells = [fmt % results[n][key] if key in results[n] else '-' for n in NS]
        lines.append('| %s | %s |' % (label, ' | '.join(cells)))

    row('(1) shell script, one `ip` command per step', 'ip')
    row('(2) `ip -batch` (root batch + one `ip -n NS -batch` per namespace)', 'batch')
    row('(3) raw pyroute2 script written for speed', 'raw')
    loop_n, loop_t = results.get('loop', (LOOP_N, float('nan')))
    lines.append('| (4) loop of per-object module tasks (N=%d), whole ansible-playbook | %s |'
                 % (loop_n, ' | '.join(['%.2f s' % loop_t] + ['-'] * (len(NS) - 1))))
    row('(5) topology module, one task: module time', 'build_mod')
    row('(5) topology module, one task: whole ansible-playbook', 'build_all')
    row('(6) again, nothing to change: module time', 'again_mod', '%.3f s')
    row('(6) again, nothing to change: whole ansible-playbook', 'again_all')
    row('(7) teardown state=absent: module time', 'down_mod', '%.3f s')
    row('(7) teardown state=absent: whole ansible-playbook', 'down_all')
    row('module peak RSS (module run alone, max of build/again/absent)', 'rss', '%.1f MB')
    big = max(NS)
    r = results[big]
    lines += ['', 'Targets at N=%d:' % big, '',
              '| target | measured | verdict |', '|---|---|---|']

    def verdict(ok):
        return 'met' if ok else 'NOT met'

    ratio = r['build_mod'] / r['raw']
    lines.append('| build <= 1.5x raw pyroute2 (module time) | %.2fx | %s |' % (ratio, verdict(ratio <= 1.5)))
    ratio_all = r['build_all'] / r['raw']
    lines.append('| (same, whole ansible-playbook vs raw) | %.2fx | %s |' % (ratio_all, verdict(ratio_all <= 1.5)))
    speed = r['ip'] / r['build_mod']
    lines.append('| >= 5x faster than the `ip` script (module time) | %.1fx | %s |' % (speed, verdict(speed >= 5)))
    speed_all = r['ip'] / r['build_all']
    lines.append('| (same, whole ansible-playbook) | %.1fx | %s |' % (speed_all, verdict(speed_all >= 5)))
    per_ns = r['again_mod'] / big * 1000
    lines.append('| no-change <= 1.2 ms per namespace (module time) | %.2f ms | %s |' % (per_ns, verdict(per_ns <= 1.2)))
    lines.append('| teardown <= 1.5 s (module time) | %.2f s | %s |' % (r['down_mod'], verdict(r['down_mod'] <= 1.5)))
    lines.append('| module peak RSS <= 80 MB | %.1f MB | %s |' % (r['rss'], verdict(r['rss'] <= 80)))
    return '\n'.join(lines)


def main():
    global WORK
    WORK = tempfile.mkdtemp(prefix='topology-bench-')
    sys.stdout.reconfigure(line_buffering=True)
    f = facts()
    try:
        results = measure()
    finally:
        cleanup()
        shutil.rmtree(WORK, ignore_errors=True)
    text = table(results, f)
    print()
    print(text)
    out = os.environ.get('NETVIRT_BENCH_OUT')
    if out:
        with open(out, 'w') as handle:
            handle.write(text + '\n')


if __name__ == '__main__':
    main()
