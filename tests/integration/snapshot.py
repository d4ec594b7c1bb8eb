#!/usr/bin/env python
"""Print the network state of this (sandbox) machine as JSON, read with iproute2 rather than the
collection's own code: named namespaces, and per namespace (the current one as "") its links,
global addresses, routes, iptables rules (both backends, both IP versions, counters and comment
lines left out), qdiscs, and the nftables ruleset as `nft list ruleset` prints it. Tests compare two
snapshots to prove a failed task left nothing."""

import json
import os
import subprocess
import sys


def ip(ns, *args):
    argv = ['ip'] + (['-n', ns] if ns else []) + ['-j'] + list(args)
    out = subprocess.run(argv, check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
    return json.loads(out or '[]')


def namespace(ns):
    links = sorted('%s %s master=%s' % (l['ifname'], l.get('link_type'), l.get('master'))
                   for l in ip(ns, 'link', 'show'))
    addrs = sorted('%s %s/%s' % (a['ifname'], i['local'], i['prefixlen'])
                   for a in ip(ns, 'addr', 'show') for i in a.get('addr_info', [])
                   if i.get('scope') != 'link')
    routes = sorted('%s via %s dev %s' % (r.get('dst'), r.get('gateway'), r.get('dev'))
                    for r in ip(ns, 'route', 'show', 'table', 'all')
                    if r.get('table') != 'local' and r.get('protocol') != 'kernel')
    return {'links': links, 'addresses': addrs, 'routes': routes, 'iptables': iptables(ns), 'qdiscs': qdiscs(ns),
            'nftables': nftables(ns)}


def qdiscs(ns):
    """Every qdisc with its options, by tc (statistics left out)."""
    argv = (['ip', 'netns', 'exec', ns] if ns else []) + ['tc', '-j', 'qdisc', 'show']
    out = subprocess.run(argv, check=False, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         universal_newlines=True).stdout
    return sorted('%s %s %s %s' % (q.get('dev'), q.get('kind'), q.get('handle'),
                                   json.dumps(q.get('options'), sort_keys=True))
                  for q in json.loads(out or '[]'))


def nftables(ns):
    """`nft list ruleset`, byte for byte (a refused nftables task must leave it identical)."""
    argv = (['ip', 'netns', 'exec', ns] if ns else []) + ['nft', 'list', 'ruleset']
    return subprocess.run(argv, check=False, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          universal_newlines=True).stdout


def iptables(ns):
    """iptables-save of both backends and IP versions (legacy lists only tables already loaded)."""
    out = {}
    for tool in ('iptables-nft-save', 'ip6tables-nft-save', 'iptables-legacy-save', 'ip6tables-legacy-save'):
        argv = (['ip', 'netns', 'exec', ns] if ns else []) + [tool]
        text = subprocess.run(argv, check=False, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              universal_newlines=True).stdout
        out[tool] = [line.split(' [')[0] if line.startswith(':') else line
                     for line in text.splitlines() if line and not line.startswith('#')]
    return out


def snapshot():
    try:
        names = sorted(os.listdir('/run/netns'))
    except OSError:
        names = []
    state = {'named': names, 'namespaces': {'': namespace(None)}}
    for name in names:
        if os.path.ismount(os.path.join('/run/netns', name)):
            state['namespaces'][name] = namespace(name)
        else:
            # A file with no namespace bound to it (what a killed `ip netns add` leaves): iproute2
            # cannot enter it; its size is all there is to compare.
            state['namespaces'][name] = {'not a namespace': os.stat(os.path.join('/run/netns', name)).st_size}
    return state


def main():
    json.dump(snapshot(), sys.stdout, indent=1, sort_keys=True)


if __name__ == '__main__':
    main()
