# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How long a reachability matrix of 10 namespaces takes (run by `make bench`, inside tools/sandbox).

Builds 10 namespaces on one bridge (10.0.0.1-10/24) plus an unplugged one (10.0.0.11, its veth on no
bridge, so every probe to it times out), then runs the reachability kind's observe (address read +
probes) directly: all pairs reachable, count=3, and with the unplugged namespace (about one timeout).
For comparison, the same probes one after the other with `ping -c 1 -W 1`, when ping is installed.
"""

import os
import shutil
import subprocess
import sys
import time

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import loader
from ansible_collections.netvirt.linux.plugins.module_utils._netlink.session import Session
from ansible_collections.netvirt.linux.plugins.module_utils._state.reachability import ReachabilityKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context

N = 10


def ip(*args):
    subprocess.run(['ip'] + list(args), check=True)


def build():
    ip('link', 'add', 'br0', 'type', 'bridge', 'forward_delay', '0')
    ip('link', 'set', 'br0', 'up')
    for i in range(1, N + 2):
        ns = 'n%d' % i
        ip('netns', 'add', ns)
        ip('-n', ns, 'link', 'set', 'lo', 'up')
        ip('link', 'add', 'v%d' % i, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns)
        if i <= N:
            ip('link', 'set', 'v%d' % i, 'master', 'br0', 'up')
        ip('-n', ns, 'addr', 'add', '10.0.0.%d/24' % i, 'dev', 'eth0')
        ip('-n', ns, 'link', 'set', 'eth0', 'up')


def matrix(names, **options):
    kind = ReachabilityKind()
    params = {'netns': None, 'probes': None, 'matrix': names, 'expect': 'any', 'family': 'ipv4',
              'count': 1, 'timeout': 1.0}
    params.update(options)
    desired = kind.desired(params)
    ctx = Context(False, False)
    start = time.monotonic()
    with Session() as session:
        observed = kind.observe(session, desired, ctx)
    elapsed = time.monotonic() - start
    return elapsed, kind.result(desired, observed, None, ctx)


def main():
    if os.geteuid() != 0 or not os.path.isdir('/run/netns') or os.listdir('/run/netns'):
        sys.exit('run me with `make bench` (inside tools/sandbox, as root)')
    build()
    names = ['n%d' % i for i in range(1, N + 1)]
    print('pyroute2 %s' % loader.PYROUTE2_VERSION)
    for label, extra, opts in [('10 namespaces, 90 probes, all reachable', [], {}),
                               ('the same, count=3 (requests 0.2 s apart)', [], {'count': 3}),
                               ('11 namespaces, one unplugged (20 of 110 time out, timeout 1 s)', ['n11'], {})]:
        best = None
        for _attempt in range(3):
            elapsed, result = matrix(names + extra, **opts)
            best = elapsed if best is None else min(best, elapsed)
        print('  %-66s %6.3f s  (%s)' % (label, best, result['summary']['text']))
    if shutil.which('ping'):
        start = time.monotonic()
        for src in names:
            for dst in range(1, N + 1):
                if src != 'n%d' % dst:
                    subprocess.run(['ip', 'netns', 'exec', src, 'ping', '-c', '1', '-W', '1', '10.0.0.%d' % dst],
                                   stdout=subprocess.DEVNULL, check=False)
        print('  %-66s %6.3f s' % ('the 90 probes one by one, ip netns exec ping -c 1 -W 1', time.monotonic() - start))
        start = time.monotonic()
        for src in names + ['n11']:
            for dst in range(1, N + 2):
                if src != 'n%d' % dst:
                    subprocess.run(['ip', 'netns', 'exec', src, 'ping', '-c', '1', '-W', '1', '10.0.0.%d' % dst],
                                   stdout=subprocess.DEVNULL, check=False)
        print('  %-66s %6.3f s' % ('the 110 probes with the unplugged one, one by one', time.monotonic() - start))


if __name__ == '__main__':
    main()
