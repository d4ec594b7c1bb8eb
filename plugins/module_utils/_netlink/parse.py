# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn pyroute2 messages into plain data. Only ``msg.get_attr(NAME)`` and ``msg[field]`` are
used, which behave the same in pyroute2 0.7.2 and 0.9.x (``msg.get('ifname')`` does not)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import socket
import struct

IFF_UP = 0x1
IFF_LOOPBACK = 0x8
NSID_NONE = (None, -1, 4294967295)

# Bridge timers come back from the kernel in hundredths of a second (clock_t).
BRIDGE_TIMERS = {
    'forward_delay': 'IFLA_BR_FORWARD_DELAY',
    'hello_time': 'IFLA_BR_HELLO_TIME',
    'max_age': 'IFLA_BR_MAX_AGE',
    'ageing_time': 'IFLA_BR_AGEING_TIME',
}

OPERSTATES = {0: 'unknown', 1: 'notpresent', 2: 'down', 3: 'lowerlayerdown', 4: 'testing',
              5: 'dormant', 6: 'up'}

RT_PROTOS = {0: 'unspec', 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 16: 'dhcp',
             186: 'bgp', 187: 'isis', 188: 'ospf', 189: 'rip'}
RT_SCOPES = {0: 'universe', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere'}
RT_TYPES = {1: 'unicast', 2: 'local', 3: 'broadcast', 4: 'anycast', 5: 'multicast',
            6: 'blackhole', 7: 'unreachable', 8: 'prohibit', 9: 'throw', 10: 'nat'}
RT_TABLES = {0: 'unspec', 253: 'default', 254: 'main', 255: 'local'}
TUN_TYPES = {1: 'tun', 2: 'tap'}
NUD_PERMANENT = 0x80
NTF_SELF = 0x02
ZERO_MAC = '00:00:00:00:00:00'


def _attr(msg, name, default=None):
    try:
        value = msg.get_attr(name)
    except (AttributeError, KeyError, TypeError):
        return default
    return default if value is None else value


def _field(msg, name, default=None):
    try:
        return msg[name]
    except (KeyError, TypeError, IndexError):
        return default


def _get(attrs, name, default=None):
    value = attrs.get(name)
    return default if value is None else value


def centis_to_seconds(value):
    return None if value is None else round(value / 100.0, 2)


def seconds_to_centis(value):
    return int(round(float(value) * 100))


# -- RTM_NEWLINK: one decoder, two ways in ---------------------------------------------------
# Both readers reduce a message to plain mappings {attribute name: value} and hand them to
# ``plain_link()``: ``parse_link`` with pyroute2's ``get_attr`` on its messages, ``rawdump.decode_link``
# with struct on the bytes (its tables give each name its number and wire format). What an
# observation knows of a link is decided here only, once for both.
#
# The values of such a mapping: str for text, 'aa:bb:cc:dd:ee:ff' for a MAC, the text of an IP
# address (any spelling), int for numbers and flags; IFLA_OPERSTATE an int or pyroute2's upper-case
# name; IFLA_VXLAN_PORT in host order. An attribute the kernel did not send is absent or None.
LINK_ATTRS = ('IFLA_IFNAME', 'IFLA_MTU', 'IFLA_ADDRESS', 'IFLA_OPERSTATE', 'IFLA_MASTER', 'IFLA_IFALIAS',
              'IFLA_LINK', 'IFLA_LINK_NETNSID', 'IFLA_CARRIER')
# IFLA_LINKINFO -> IFLA_INFO_DATA of the kinds whose options an observation reports (under the kind's
# name: link['bridge'], link['tun'], link['vxlan']). veth, lo and the rest report none.
INFO_DATA_ATTRS = {
    'bridge': ('IFLA_BR_FORWARD_DELAY', 'IFLA_BR_HELLO_TIME', 'IFLA_BR_MAX_AGE', 'IFLA_BR_AGEING_TIME',
               'IFLA_BR_STP_STATE', 'IFLA_BR_PRIORITY', 'IFLA_BR_VLAN_FILTERING', 'IFLA_BR_TOPOLOGY_CHANGE'),
    'tun': ('IFLA_TUN_OWNER', 'IFLA_TUN_GROUP', 'IFLA_TUN_TYPE', 'IFLA_TUN_PI', 'IFLA_TUN_VNET_HDR',
            'IFLA_TUN_PERSIST', 'IFLA_TUN_MULTI_QUEUE'),
    'bond': ('IFLA_BOND_MODE', 'IFLA_BOND_MIIMON', 'IFLA_BOND_ARP_INTERVAL', 'IFLA_BOND_ARP_IP_TARGET',
             'IFLA_BOND_PRIMARY', 'IFLA_BOND_XMIT_HASH_POLICY', 'IFLA_BOND_AD_LACP_RATE'),
    'vxlan': ('IFLA_VXLAN_ID', 'IFLA_VXLAN_GROUP', 'IFLA_VXLAN_LINK', 'IFLA_VXLAN_LOCAL', 'IFLA_VXLAN_TTL',
              'IFLA_VXLAN_LEARNING', 'IFLA_VXLAN_PORT', 'IFLA_VXLAN_GROUP6', 'IFLA_VXLAN_LOCAL6'),
    'vlan': ('IFLA_VLAN_ID', 'IFLA_VLAN_PROTOCOL'),
    'macvlan': ('IFLA_MACVLAN_MODE', 'IFLA_MACVLAN_MACADDR_DATA'),
    'ipvlan': ('IFLA_IPVLAN_MODE', 'IFLA_IPVLAN_FLAGS'),
}
# Attributes of IFLA_INFO_DATA that nest a list of one inner attribute: {outer: inner}; the plain value
# is the list of the inner values (a source-mode macvlan's MAC addresses).
INFO_DATA_LISTS = {'IFLA_MACVLAN_MACADDR_DATA': 'IFLA_MACVLAN_MACADDR'}
# Kinds made on a parent device (IFLA_LINK, and IFLA_LINK_NETNSID when the parent is in another
# namespace): the observer names the parent as link['parent'] = {'name', 'netns'}.
PARENT_KINDS = ('vlan', 'macvlan', 'ipvlan')
MACVLAN_MODES = {1: 'private', 2: 'vepa', 4: 'bridge', 8: 'passthru', 16: 'source'}
# <linux/if_link.h>: IPVLAN_MODE_L2/L3/L3S; IFLA_IPVLAN_FLAGS is IPVLAN_F_PRIVATE (1) or IPVLAN_F_VEPA (2),
# none of them is bridge (iproute2's names). pyroute2 (0.7.2 and 0.9.x) knows IFLA_IPVLAN_MODE only: its
# reader keeps IFLA_IPVLAN_FLAGS as an 'UNKNOWN' attribute without the value, so parse_link reads it
# from the nested attribute's bytes (_raw_u16).
IPVLAN_MODES = ('l2', 'l3', 'l3s')
IPVLAN_FLAGS = {0: 'bridge', 1: 'private', 2: 'vepa'}
IFLA_IPVLAN_FLAGS = 2
# IFLA_LINKINFO -> IFLA_INFO_SLAVE_DATA of a port, by IFLA_INFO_SLAVE_KIND (the master's kind): what an
# observation reports of a bridge port (link['brport']). IFLA_BRPORT_MODE is the hairpin mode
# (`ip link set DEV type bridge_slave hairpin on`, `bridge link set dev DEV hairpin on`).
SLAVE_DATA_ATTRS = {
    'bridge': ('IFLA_BRPORT_MODE',),
}
VLAN_PROTOCOLS = {0x8100: '802.1Q', 0x88a8: '802.1ad'}


def parse_bridge(data):
    """IFLA_INFO_DATA of a bridge ({name: value}, see LINK_ATTRS) -> options in seconds and booleans."""
    if data is None:
        return {}
    out = {}
    for key, attr in BRIDGE_TIMERS.items():
        out[key] = centis_to_seconds(data.get(attr))
    out['stp'] = bool(_get(data, 'IFLA_BR_STP_STATE', 0))
    out['vlan_filtering'] = bool(_get(data, 'IFLA_BR_VLAN_FILTERING', 0))
    out['priority'] = data.get('IFLA_BR_PRIORITY')
    # While STP handles a topology change the kernel ages the FDB at twice the forward delay and
    # reports THAT as the ageing time, not the configured one (802.1D; the flag can stay set once
    # STP is turned off in the middle of one, until the ageing time is written).
    out['topology_change'] = bool(_get(data, 'IFLA_BR_TOPOLOGY_CHANGE', 0))
    return out


def parse_tun(data, carrier):
    """IFLA_INFO_DATA of a tun/tap (kind 'tun'; {name: value} or None) -> plain options. OWNER and
    GROUP are absent when unset (None). ``carrier``: a persistent tun/tap has carrier only while a
    process holds it."""
    data = data or {}
    return {
        'mode': TUN_TYPES.get(data.get('IFLA_TUN_TYPE')),
        'owner': data.get('IFLA_TUN_OWNER'),
        'group': data.get('IFLA_TUN_GROUP'),
        'packet_info': bool(_get(data, 'IFLA_TUN_PI', 0)),
        'vnet_hdr': bool(_get(data, 'IFLA_TUN_VNET_HDR', 0)),
        'persist': bool(_get(data, 'IFLA_TUN_PERSIST', 0)),
        'multi_queue': bool(_get(data, 'IFLA_TUN_MULTI_QUEUE', 0)),
        'in_use': bool(carrier),
    }


def _ip_text(value):
    """Canonical text of an address, None for none or the unspecified address."""
    if not value:
        return None
    text = str(ipaddress.ip_address(value))
    return None if text in ('0.0.0.0', '::') else text


def parse_vxlan(data):
    """IFLA_INFO_DATA of a vxlan ({name: value}) -> {'vni','remote','group','local','link_index','port',
    'ttl','learning'}.

    The kernel keeps the unicast peer and the multicast group in one attribute (IFLA_VXLAN_GROUP or
    IFLA_VXLAN_GROUP6): a multicast address is the group, any other the remote. IFLA_VXLAN_PORT travels
    in network byte order; pyroute2 (0.7.2 and 0.9.x) decodes it as a big-endian 16-bit field, and so
    does rawdump, so the value here is the port number. 'link_index' is the underlay's ifindex
    (0/None: no underlay); the observer turns it into a name."""
    if data is None:
        return {}
    peer = _ip_text(data.get('IFLA_VXLAN_GROUP') or data.get('IFLA_VXLAN_GROUP6'))
    remote = group = None
    if peer is not None:
        if ipaddress.ip_address(peer).is_multicast:
            group = peer
        else:
            remote = peer
    learning = data.get('IFLA_VXLAN_LEARNING')
    return {
        'vni': data.get('IFLA_VXLAN_ID'),
        'remote': remote,
        'group': group,
        'local': _ip_text(data.get('IFLA_VXLAN_LOCAL') or data.get('IFLA_VXLAN_LOCAL6')),
        'link_index': data.get('IFLA_VXLAN_LINK') or None,
        'port': data.get('IFLA_VXLAN_PORT'),
        'ttl': _get(data, 'IFLA_VXLAN_TTL', 0),
        'learning': None if learning is None else bool(learning),
    }


def parse_vlan(data):
    """IFLA_INFO_DATA of a vlan -> {'id', 'protocol'} ('802.1Q', '802.1ad', or the number in hex)."""
    data = data or {}
    proto = data.get('IFLA_VLAN_PROTOCOL')
    return {'id': data.get('IFLA_VLAN_ID'),
            'protocol': VLAN_PROTOCOLS.get(proto, None if proto is None else '0x%04x' % proto)}


def parse_macvlan(data):
    """IFLA_INFO_DATA of a macvlan -> {'mode', 'macs'}. pyroute2 gives the mode by name, the raw reader
    its number; 'macs' (the source MAC addresses of mode source) sorted, [] when the kernel sends none."""
    data = data or {}
    mode = data.get('IFLA_MACVLAN_MODE')
    if not isinstance(mode, str):
        mode = MACVLAN_MODES.get(mode, mode)
    return {'mode': mode, 'macs': sorted(str(m).lower() for m in data.get('IFLA_MACVLAN_MACADDR_DATA') or [])}


def parse_ipvlan(data):
    """IFLA_INFO_DATA of an ipvlan -> {'mode': 'l2'|'l3'|'l3s', 'flags': 'bridge'|'private'|'vepa'}
    (a number the tables do not know stays a number)."""
    data = data or {}
    mode = data.get('IFLA_IPVLAN_MODE')
    if isinstance(mode, int) and 0 <= mode < len(IPVLAN_MODES):
        mode = IPVLAN_MODES[mode]
    elif isinstance(mode, str) and mode.startswith('IPVLAN_MODE_'):
        mode = mode[len('IPVLAN_MODE_'):].lower()
    flags = data.get('IFLA_IPVLAN_FLAGS') or 0
    return {'mode': mode, 'flags': IPVLAN_FLAGS.get(flags, flags)}


def _raw_u16(nested, kind):
    """The u16 value of attribute number ``kind`` inside a pyroute2 nested attribute, read from its
    bytes (for an attribute pyroute2 does not know); None when not there."""
    try:
        data, offset, length = nested.data, nested.offset, nested.length
    except AttributeError:
        return None
    if not isinstance(data, (bytes, bytearray)) or not length:
        return None
    pos, end = offset + 4, offset + length
    while pos + 4 <= end:
        alen, akind = struct.unpack_from('=HH', data, pos)
        if alen < 4:
            return None
        if akind & 0x3fff == kind and alen >= 6:
            return struct.unpack_from('=H', data, pos + 4)[0]
        pos += (alen + 3) & ~3
    return None


# Bonding modes and options by number (<linux/if_bonding.h>, iproute2's names).
BOND_MODES = ('balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb')
BOND_HASH_POLICIES = ('layer2', 'layer3+4', 'layer2+3', 'encap2+3', 'encap3+4', 'vlan+srcmac')
BOND_LACP_RATES = ('slow', 'fast')


def _named(table, value):
    if value is None:
        return None
    return table[value] if 0 <= value < len(table) else value


def parse_bond(data):
    """IFLA_INFO_DATA of a bond ({name: value}) -> {'mode','miimon','arp_interval','arp_ip_target',
    'xmit_hash_policy','lacp_rate','primary_index'}: modes and policies by iproute2's names,
    arp_ip_target a sorted list of IPv4 addresses (IFLA_BOND_ARP_IP_TARGET, a nest of addresses: a
    list of texts from both readers), 'primary_index' the ifindex of the primary port (absent/0:
    none), which the observer turns into a name."""
    if data is None:
        return {}
    targets = data.get('IFLA_BOND_ARP_IP_TARGET') or []
    return {
        'mode': _named(BOND_MODES, data.get('IFLA_BOND_MODE')),
        'miimon': data.get('IFLA_BOND_MIIMON'),
        'arp_interval': data.get('IFLA_BOND_ARP_INTERVAL'),
        'arp_ip_target': sorted((str(ipaddress.ip_address(t)) for t in targets),
                                key=lambda t: int(ipaddress.ip_address(t))),
        'xmit_hash_policy': _named(BOND_HASH_POLICIES, data.get('IFLA_BOND_XMIT_HASH_POLICY')),
        'lacp_rate': _named(BOND_LACP_RATES, data.get('IFLA_BOND_AD_LACP_RATE')),
        'primary_index': data.get('IFLA_BOND_PRIMARY') or None,
    }


def _operstate(value):
    if isinstance(value, str):
        return value.lower()
    return OPERSTATES.get(value, 'unknown')


def parse_brport(data):
    """IFLA_INFO_SLAVE_DATA of a bridge port ({name: value} or None) -> {'hairpin': bool}."""
    data = data or {}
    return {'hairpin': bool(_get(data, 'IFLA_BRPORT_MODE', 0))}


def plain_link(index, flags, kind, attrs, data=None, slave_kind=None, slave_data=None):
    """The plain link of an RTM_NEWLINK, from its header (ifindex, flags), IFLA_INFO_KIND (None when
    absent) and plain mappings of its attributes (LINK_ATTRS) and of IFLA_INFO_DATA (the kind's
    INFO_DATA_ATTRS; None when absent) -> {'name','index','kind','mtu','mac','up','operstate',
    'master_index','alias','link_index','link_netnsid'} plus 'bridge', 'tun' or 'vxlan' for those
    kinds (and 'bond'). Names of master and peer are filled in later by the observer, which knows the other links
    and namespaces. A port of a bridge (``slave_kind`` 'bridge', IFLA_INFO_SLAVE_KIND) also has 'brport'
    ({'hairpin'}, from ``slave_data``, the plain mapping of IFLA_INFO_SLAVE_DATA: SLAVE_DATA_ATTRS)."""
    flags = flags or 0
    if kind is None:
        kind = 'loopback' if flags & IFF_LOOPBACK else 'device'
    link_netnsid = attrs.get('IFLA_LINK_NETNSID')
    if link_netnsid in NSID_NONE:
        link_netnsid = None
    out = {
        'name': attrs.get('IFLA_IFNAME'),
        'index': index,
        'kind': kind,
        'mtu': attrs.get('IFLA_MTU'),
        'mac': attrs.get('IFLA_ADDRESS'),
        'up': bool(flags & IFF_UP),
        'operstate': _operstate(attrs.get('IFLA_OPERSTATE')),
        'master_index': attrs.get('IFLA_MASTER') or None,
        'alias': attrs.get('IFLA_IFALIAS') or None,
        'link_index': attrs.get('IFLA_LINK'),
        'link_netnsid': link_netnsid,
    }
    if kind == 'bridge':
        out['bridge'] = parse_bridge(data)
    elif kind == 'tun':
        out['tun'] = parse_tun(data, _get(attrs, 'IFLA_CARRIER', 0))
    elif kind == 'vxlan':
        out['vxlan'] = parse_vxlan(data)
    elif kind == 'vlan':
        out['vlan'] = parse_vlan(data)
    elif kind == 'macvlan':
        out['macvlan'] = parse_macvlan(data)
    elif kind == 'ipvlan':
        out['ipvlan'] = parse_ipvlan(data)
    elif kind == 'bond':
        out['bond'] = parse_bond(data)
    if slave_kind == 'bridge':
        out['brport'] = parse_brport(slave_data)
    return out


def parse_link(msg):
    """A pyroute2 RTM_NEWLINK message -> the plain link (see ``plain_link``)."""
    info = _attr(msg, 'IFLA_LINKINFO')
    kind = _attr(info, 'IFLA_INFO_KIND') if info is not None else None
    data = None
    names = INFO_DATA_ATTRS.get(kind)
    if names:
        nested = _attr(info, 'IFLA_INFO_DATA')
        if nested is not None:
            data = dict((name, _attr(nested, name)) for name in names)
            for name, inner in INFO_DATA_LISTS.items():
                if data.get(name) is not None:
                    data[name] = _inner_list(data[name], inner)
            if kind == 'ipvlan' and data.get('IFLA_IPVLAN_FLAGS') is None:
                data['IFLA_IPVLAN_FLAGS'] = _raw_u16(nested, IFLA_IPVLAN_FLAGS)
    slave_kind = _attr(info, 'IFLA_INFO_SLAVE_KIND') if info is not None else None
    slave_data = None
    names = SLAVE_DATA_ATTRS.get(slave_kind)
    if names:
        nested = _attr(info, 'IFLA_INFO_SLAVE_DATA')
        if nested is not None:
            slave_data = dict((name, _attr(nested, name)) for name in names)
    attrs = dict((name, _attr(msg, name)) for name in LINK_ATTRS)
    return plain_link(_field(msg, 'index'), _field(msg, 'flags', 0), kind, attrs, data, slave_kind, slave_data)


def _inner_list(nested, inner):
    """The values of the ``inner`` attributes in a pyroute2 nested attribute (its 'attrs' pairs)."""
    try:
        return [value for name, value in nested['attrs'] if name == inner]
    except (KeyError, TypeError, ValueError):
        return []


def parse_addr(msg):
    """RTM_NEWADDR -> (ifindex, 'address/prefixlen', family)."""
    family = _field(msg, 'family')
    addr = _attr(msg, 'IFA_LOCAL') if family == socket.AF_INET else None
    if addr is None:
        addr = _attr(msg, 'IFA_ADDRESS')
    return _field(msg, 'index'), '%s/%s' % (addr, _field(msg, 'prefixlen')), family


def parse_route(msg):
    """RTM_NEWROUTE -> plain route. 'dev' holds the ifindex until the observer names it."""
    family = _field(msg, 'family')
    dst_len = _field(msg, 'dst_len', 0)
    dst = _attr(msg, 'RTA_DST')
    if dst is None and dst_len == 0:
        dst_text = 'default'
    else:
        dst_text = '%s/%s' % (dst, dst_len)
    table = _attr(msg, 'RTA_TABLE') or _field(msg, 'table')
    priority = _attr(msg, 'RTA_PRIORITY')
    return {
        'family': 'ipv6' if family == socket.AF_INET6 else 'ipv4',
        'dst': dst_text,
        'gateway': _attr(msg, 'RTA_GATEWAY'),
        'oif': _attr(msg, 'RTA_OIF'),
        'metric': priority if priority is not None else 0,
        'table': table,
        'proto': RT_PROTOS.get(_field(msg, 'proto'), _field(msg, 'proto')),
        'scope': RT_SCOPES.get(_field(msg, 'scope'), _field(msg, 'scope')),
        'type': RT_TYPES.get(_field(msg, 'type'), _field(msg, 'type')),
        'prefsrc': _attr(msg, 'RTA_PREFSRC'),
    }


def parse_fdb(msg):
    """RTM_NEWNEIGH from an AF_BRIDGE dump -> {'mac','port_index','vlan','permanent','self',
    'master_index','dst'}. 'dst' is the remote an entry of a vxlan device sends to (None when the
    entry has none), in canonical text."""
    state = _field(msg, 'state', 0) or 0
    flags = _field(msg, 'flags', 0) or 0
    dst = _attr(msg, 'NDA_DST')
    return {
        'mac': _attr(msg, 'NDA_LLADDR'),
        'port_index': _field(msg, 'ifindex'),
        'vlan': _attr(msg, 'NDA_VLAN'),
        'permanent': bool(state & NUD_PERMANENT),
        'self': bool(flags & NTF_SELF),
        'master_index': _attr(msg, 'NDA_MASTER'),
        'dst': str(ipaddress.ip_address(dst)) if dst else None,
    }


# -- bridge VLANs (AF_BRIDGE RTM_NEWLINK with IFLA_EXT_MASK RTEXT_FILTER_BRVLAN) ------------------
BRIDGE_VLAN_INFO_PVID = 0x2
BRIDGE_VLAN_INFO_UNTAGGED = 0x4


def plain_vlans(entries):
    """[(vid, flags)] of one port (IFLA_AF_SPEC -> IFLA_BRIDGE_VLAN_INFO, one entry per VLAN: the
    dump is asked uncompressed) -> {'vids': [sorted], 'pvid': vid or None, 'untagged': [sorted]}."""
    vids, untagged, pvid = set(), set(), None
    for vid, flags in entries:
        vids.add(vid)
        if flags & BRIDGE_VLAN_INFO_PVID:
            pvid = vid
        if flags & BRIDGE_VLAN_INFO_UNTAGGED:
            untagged.add(vid)
    return {'vids': sorted(vids), 'pvid': pvid, 'untagged': sorted(untagged)}


def parse_vlans(msg):
    """A pyroute2 AF_BRIDGE RTM_NEWLINK of a vlan dump -> (ifindex, [(vid, flags)]); a port without
    VLANs (no IFLA_AF_SPEC) has none."""
    spec = _attr(msg, 'IFLA_AF_SPEC')
    entries = []
    if spec is not None:
        for info in spec.get_attrs('IFLA_BRIDGE_VLAN_INFO'):
            entries.append((info['vid'], info['flags']))
    return _field(msg, 'index'), entries
