#!/usr/bin/env python
"""The two RTM_NEWLINK readers against each other, on real links of every kind the collection
manages. Runs inside tools/sandbox with a MODULE interpreter (test_decoders.py starts it there,
once per module interpreter, so with pyroute2 0.9 and 0.7): it makes the links with iproute2, then
reads every namespace

- through pyroute2 (``Session.links(ref)``: ``parse.parse_link`` on pyroute2's messages) and
  through the raw reader (``Session.links(ref, raw=True)``: ``rawdump`` on the bytes), with and
  without ``keep_ids``;
- one level lower, every link and address of the dumps: ``parse.parse_link`` / ``parse_addr`` of
  pyroute2's ``get_links()`` / ``get_addr()`` against ``rawdump.links`` of a plain socket (the
  Session's raw path re-reads bridges through pyroute2, so only this level compares the raw
  decoding of IFLA_BR_*);

and requires the plain data to be equal. So that equality cannot hold because both readers lost
the same thing, it also requires the values the links were made with (vni, remote, port, owner,
STP, timers, peer ...) to be in what the readers return.

It prints one JSON report {'pyroute2', 'mismatches': [text], 'missing': [text], 'links': {...}}
and exits 0 whenever it could run (test_decoders.py makes the assertions).

usage: tools/sandbox MODULE_PYTHON decoders_runner.py   (PYTHONPATH: .build/collections)
"""

import fcntl
import json
import os
import struct
import subprocess
import sys

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import loader, parse, rawdump
from ansible_collections.netvirt.linux.plugins.module_utils._netlink.session import Session

TUNSETIFF = 0x400454ca
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000

# Every step: an `ip` argument list. Namespaces ns1 and ns2 plus the sandbox's own (None).
SETUP = [
    ['netns', 'add', 'ns1'],
    ['netns', 'add', 'ns2'],
    ['-n', 'ns1', 'link', 'set', 'lo', 'up'],
    # veth across two namespaces (peer fields link_index and link_netnsid), one end a bridge port
    ['-n', 'ns1', 'link', 'add', 'va', 'mtu', '9000', 'address', '02:00:00:00:01:01', 'type', 'veth',
     'peer', 'name', 'vb', 'netns', 'ns2'],
    ['-n', 'ns1', 'link', 'set', 'va', 'alias', 'uplink of ns1'],
    # veth between the sandbox's namespace and ns1, and a pair inside one namespace (no netnsid)
    ['link', 'add', 'h0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', 'ns1'],
    ['link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1'],
    # bridges: STP on with timers of our own, and the defaults with STP off
    ['-n', 'ns1', 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '1', 'forward_delay', '400',
     'hello_time', '300', 'max_age', '2500', 'ageing_time', '12300', 'priority', '4096'],
    ['-n', 'ns1', 'link', 'add', 'br1', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0'],
    ['-n', 'ns1', 'link', 'set', 'va', 'master', 'br0'],
    ['-n', 'ns1', 'link', 'set', 'eth0', 'master', 'br1'],
    ['-n', 'ns1', 'addr', 'add', '10.0.0.1/24', 'dev', 'br0'],
    ['-n', 'ns1', 'addr', 'add', 'fd00::1/64', 'dev', 'br0', 'nodad'],
    ['-n', 'ns1', 'link', 'set', 'br0', 'up'],
    ['-n', 'ns1', 'link', 'set', 'va', 'up'],
    ['-n', 'ns2', 'link', 'set', 'vb', 'up'],
    ['-n', 'ns2', 'addr', 'add', '10.0.0.2/24', 'dev', 'vb'],
    ['-n', 'ns2', 'addr', 'add', '10.0.1.2/24', 'dev', 'vb'],
    # vxlan: unicast IPv4 remote with underlay, IPv6 remote, IPv6 multicast group, no remote at all
    ['-n', 'ns1', 'link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'remote', '10.0.0.2', 'local', '10.0.0.1',
     'dev', 'br0', 'dstport', '4789', 'ttl', '5', 'nolearning'],
    ['-n', 'ns1', 'link', 'add', 'vx6', 'type', 'vxlan', 'id', '16777215', 'remote', 'fd00::2', 'local', 'fd00::1',
     'dstport', '8472'],
    ['-n', 'ns1', 'link', 'add', 'vxm', 'type', 'vxlan', 'id', '7', 'group', 'ff05::100', 'dev', 'br0',
     'dstport', '4789', 'learning'],
    ['-n', 'ns2', 'link', 'add', 'vxn', 'type', 'vxlan', 'id', '1', 'dstport', '0'],
    ['-n', 'ns1', 'link', 'set', 'vx0', 'master', 'br1'],
    # tun and tap, persistent, with and without owner/group and flags
    ['-n', 'ns2', 'tuntap', 'add', 'dev', 'tun0', 'mode', 'tun', 'user', '1000', 'group', '1000', 'multi_queue'],
    ['-n', 'ns2', 'tuntap', 'add', 'dev', 'tap0', 'mode', 'tap', 'vnet_hdr'],
    ['-n', 'ns2', 'tuntap', 'add', 'dev', 'tap1', 'mode', 'tap', 'pi', 'user', '65534'],
    ['-n', 'ns2', 'link', 'set', 'tap0', 'up'],
    # macvlans: bridge mode, source mode with two source MACs, and one made straight in ns2 (its
    # parent p1 in the sandbox's namespace: IFLA_LINK_NETNSID)
    ['link', 'add', 'mv0', 'link', 'p1', 'type', 'macvlan', 'mode', 'bridge'],
    ['link', 'add', 'mvs', 'link', 'p1', 'type', 'macvlan', 'mode', 'source'],
    ['link', 'set', 'mvs', 'type', 'macvlan', 'macaddr', 'add', '02:00:00:00:00:0c'],
    ['link', 'set', 'mvs', 'type', 'macvlan', 'macaddr', 'add', '02:00:00:00:00:0b'],
    ['link', 'add', 'mvx', 'link', 'p1', 'netns', 'ns2', 'type', 'macvlan', 'mode', 'private'],
    ['link', 'set', 'p0', 'up'],
    ['link', 'set', 'p1', 'up'],
    ['addr', 'add', '192.0.2.1/24', 'dev', 'p0'],
]

# Kinds a kernel may be built without: {kind: steps}; made when `ip link add ... type KIND` is not
# refused with "Unknown device type" (the report lists the kinds it could not make, 'absent_kinds').
OPTIONAL = {
    'dummy': [['link', 'add', 'd0', 'address', '02:00:00:00:02:01', 'type', 'dummy']],
    'vlan': [['link', 'add', 'link', 'p0', 'name', 'p0.5', 'type', 'vlan', 'id', '5'],
             ['link', 'add', 'link', 'p0', 'name', 'p0.10', 'type', 'vlan', 'protocol', '802.1ad', 'id', '10'],
             ['link', 'add', 'link', 'p0.10', 'name', 'p0.10.20', 'type', 'vlan', 'id', '20'],
             ['link', 'add', 'link', 'p0', 'name', 'v7', 'netns', 'ns2', 'type', 'vlan', 'id', '7']],
    # On p0 (p1 carries macvlans: the kernel refuses an ipvlan beside them, EBUSY). Mode and flags are
    # the parent's (one ipvlan port), measured on UML 6.1: the last ipvlan made sets them for every
    # ipvlan of p0, so all are made with the same ones.
    'ipvlan': [['link', 'add', 'link', 'p0', 'name', 'ipv0', 'type', 'ipvlan', 'mode', 'l3s', 'vepa'],
               ['link', 'add', 'link', 'p0', 'name', 'ipv1', 'type', 'ipvlan', 'mode', 'l3s', 'vepa'],
               ['link', 'add', 'link', 'p0', 'name', 'ipvx', 'netns', 'ns2', 'type', 'ipvlan', 'mode', 'l3s', 'vepa']],
}
EXPECTED_OPTIONAL = {
    'dummy': [(None, 'd0', ('kind',), 'dummy'), (None, 'd0', ('mac',), '02:00:00:00:02:01')],
    'vlan': [(None, 'p0.5', ('vlan',), {'id': 5, 'protocol': '802.1Q'}),
             (None, 'p0.5', ('parent',), {'name': 'p0', 'netns': None}),
             (None, 'p0.10', ('vlan',), {'id': 10, 'protocol': '802.1ad'}),
             (None, 'p0.10.20', ('parent', 'name'), 'p0.10'),
             ('ns2', 'v7', ('vlan', 'id'), 7),
             ('ns2', 'v7', ('parent',), {'name': 'p0', 'netns': None})],
    'ipvlan': [(None, 'ipv0', ('kind',), 'ipvlan'),
               (None, 'ipv0', ('ipvlan',), {'mode': 'l3s', 'flags': 'vepa'}),
               (None, 'ipv0', ('parent',), {'name': 'p0', 'netns': None}),
               (None, 'ipv1', ('ipvlan', 'mode'), 'l3s'),
               ('ns2', 'ipvx', ('ipvlan',), {'mode': 'l3s', 'flags': 'vepa'}),
               ('ns2', 'ipvx', ('parent',), {'name': 'p0', 'netns': None})],
}

# What the links were made with: (namespace, link, path of keys, value). Read from the pyroute2
# reader (the raw one must then be equal to it).
EXPECTED = [
    ('ns1', 'lo', ('kind',), 'loopback'),
    ('ns1', 'lo', ('up',), True),
    ('ns1', 'lo', ('addresses',), ['127.0.0.1/8', '::1/128']),
    ('ns1', 'va', ('kind',), 'veth'),
    ('ns1', 'va', ('mtu',), 9000),
    ('ns1', 'va', ('mac',), '02:00:00:00:01:01'),
    ('ns1', 'va', ('alias',), 'uplink of ns1'),
    ('ns1', 'va', ('master',), 'br0'),
    ('ns1', 'va', ('peer', 'name'), 'vb'),
    ('ns1', 'va', ('peer', 'netns'), 'ns2'),
    ('ns1', 'eth0', ('peer', 'name'), 'h0'),
    ('ns1', 'eth0', ('peer', 'netns'), None),
    (None, 'p0', ('peer', 'name'), 'p1'),
    (None, 'p0', ('peer', 'netns'), None),
    (None, 'p0', ('addresses',), ['192.0.2.1/24']),
    (None, 'mv0', ('kind',), 'macvlan'),
    (None, 'mv0', ('macvlan',), {'mode': 'bridge', 'macs': []}),
    (None, 'mv0', ('parent',), {'name': 'p1', 'netns': None}),
    (None, 'mvs', ('macvlan',), {'mode': 'source', 'macs': ['02:00:00:00:00:0b', '02:00:00:00:00:0c']}),
    ('ns2', 'mvx', ('macvlan', 'mode'), 'private'),
    ('ns2', 'mvx', ('parent',), {'name': 'p1', 'netns': None}),
    ('ns2', 'vb', ('addresses',), ['10.0.0.2/24', '10.0.1.2/24']),
    ('ns1', 'br0', ('bridge',), {'stp': True, 'forward_delay': 4.0, 'hello_time': 3.0, 'max_age': 25.0,
                                 'ageing_time': 123.0, 'priority': 4096, 'vlan_filtering': False,
                                 'topology_change': False}),
    ('ns1', 'br1', ('bridge', 'stp'), False),
    ('ns1', 'br1', ('bridge', 'forward_delay'), 0.0),
    ('ns1', 'br0', ('addresses',), ['10.0.0.1/24', 'fd00::1/64']),
    ('ns1', 'vx0', ('vxlan',), {'vni': 42, 'remote': '10.0.0.2', 'group': None, 'local': '10.0.0.1', 'dev': 'br0',
                                'port': 4789, 'ttl': 5, 'learning': False}),
    ('ns1', 'vx0', ('master',), 'br1'),
    ('ns1', 'vx6', ('vxlan',), {'vni': 16777215, 'remote': 'fd00::2', 'group': None, 'local': 'fd00::1',
                                'dev': None, 'port': 8472, 'ttl': 0, 'learning': True}),
    ('ns1', 'vxm', ('vxlan', 'group'), 'ff05::100'),
    ('ns1', 'vxm', ('vxlan', 'remote'), None),
    ('ns2', 'vxn', ('vxlan', 'vni'), 1),
    ('ns2', 'vxn', ('vxlan', 'remote'), None),
    ('ns2', 'tun0', ('tun',), {'mode': 'tun', 'owner': 1000, 'group': 1000, 'packet_info': False,
                               'vnet_hdr': False, 'persist': True, 'multi_queue': True, 'in_use': False}),
    ('ns2', 'tap0', ('tun',), {'mode': 'tap', 'owner': None, 'group': None, 'packet_info': False,
                               'vnet_hdr': True, 'persist': True, 'multi_queue': False, 'in_use': False}),
    ('ns2', 'tap1', ('tun', 'packet_info'), True),
    ('ns2', 'tap1', ('tun', 'owner'), 65534),
    (None, 'held0', ('tun',), {'mode': 'tap', 'owner': None, 'group': None, 'packet_info': False,
                               'vnet_hdr': False, 'persist': False, 'multi_queue': False, 'in_use': True}),
    (None, 'held0', ('up',), True),
]


def ip(argv):
    proc = subprocess.run(['ip'] + argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError('ip %s: %s' % (' '.join(argv), proc.stdout.strip()))


def held_tap(name):
    """A tap device that this process holds open (not persistent: carrier on, 'in_use')."""
    handle = open('/dev/net/tun', 'r+b', buffering=0)
    fcntl.ioctl(handle, TUNSETIFF, struct.pack('16sH22x', name.encode(), IFF_TAP | IFF_NO_PI))
    ip(['link', 'set', name, 'up'])
    return handle


def compare(where, pyroute2_side, raw_side, out):
    """Append to ``out`` a line for every difference of two plain values (dicts compared key by key)."""
    if isinstance(pyroute2_side, dict) and isinstance(raw_side, dict):
        for key in sorted(set(pyroute2_side) | set(raw_side), key=str):
            if key not in raw_side:
                out.append('%s: %r only from pyroute2 (%r)' % (where, key, pyroute2_side[key]))
            elif key not in pyroute2_side:
                out.append('%s: %r only from the raw reader (%r)' % (where, key, raw_side[key]))
            else:
                compare('%s.%s' % (where, key), pyroute2_side[key], raw_side[key], out)
    elif pyroute2_side != raw_side or type(pyroute2_side) is not type(raw_side):
        out.append('%s: pyroute2 %r, raw reader %r' % (where, pyroute2_side, raw_side))


def label(ref):
    return 'sandbox' if ref is None else ref


def main():
    for step in SETUP:
        ip(step)
    absent_kinds = []
    expected = list(EXPECTED)
    for kind, steps in sorted(OPTIONAL.items()):
        try:
            ip(steps[0])
        except RuntimeError as exc:
            if 'Unknown device type' not in str(exc):
                raise
            absent_kinds.append(kind)
            continue
        for step in steps[1:]:
            ip(step)
        expected += EXPECTED_OPTIONAL[kind]
    tap = held_tap('held0')
    mismatches = []
    missing = []
    seen = {}
    try:
        with Session() as session:
            for ref in ('ns1', 'ns2'):
                session.register(ref)
            for ref in (None, 'ns1', 'ns2'):
                for keep_ids in (False, True):
                    pyroute2_links = session.links(ref, keep_ids=keep_ids)
                    raw_links = session.links(ref, keep_ids=keep_ids, raw=True)
                    compare('%s: Session.links(keep_ids=%s)' % (label(ref), keep_ids), pyroute2_links, raw_links,
                            mismatches)
                seen[label(ref)] = pyroute2_links
                # One level lower: the decoders themselves, on every message of the dumps.
                sock = session.socket(ref)
                decoded = dict((link['name'], link) for link in (parse.parse_link(m) for m in sock.get_links()))
                addrs = sorted(parse.parse_addr(m) for m in sock.get_addr())
                raw_found, raw_addrs = rawdump.links(session.raw_socket(ref))
                compare('%s: parse_link / rawdump.decode_link' % label(ref), decoded,
                        dict((link['name'], link) for link in raw_found), mismatches)
                compare('%s: parse_addr / rawdump.decode_addr' % label(ref), addrs, sorted(raw_addrs), mismatches)
    finally:
        tap.close()
    for ref, name, path, value in expected:
        got = seen.get(label(ref), {}).get(name)
        for key in path:
            got = got.get(key) if isinstance(got, dict) else None
        if path == ('addresses',) and got:
            got = [a for a in got if not a.startswith('fe80:')]   # the kernel's own IPv6 link-local
        if got != value:
            missing.append('%s: link %s %s: made with %r, read %r' % (label(ref), name, '.'.join(path), value, got))
    kinds = sorted(set(link['kind'] for links in seen.values() for link in links.values()))
    print(json.dumps({'pyroute2': loader.PYROUTE2_VERSION, 'python': sys.version.split()[0],
                      'mismatches': mismatches, 'missing': missing, 'kinds': kinds, 'links': seen,
                      'absent_kinds': absent_kinds},
                     sort_keys=True, default=str))
    return 0


if __name__ == '__main__':
    os.environ.setdefault('LC_ALL', 'C')
    sys.exit(main())
