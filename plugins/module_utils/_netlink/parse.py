# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn pyroute2 messages into plain data. Only ``msg.get_attr(NAME)`` and ``msg[field]`` are
used, which behave the same in pyroute2 0.7.2 and 0.9.x (``msg.get('ifname')`` does not)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import socket

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


def centis_to_seconds(value):
    return None if value is None else round(value / 100.0, 2)


def seconds_to_centis(value):
    return int(round(float(value) * 100))


def parse_bridge(info_data):
    """IFLA_INFO_DATA of a bridge -> options in seconds and booleans."""
    if info_data is None:
        return {}
    out = {}
    for key, attr in BRIDGE_TIMERS.items():
        out[key] = centis_to_seconds(_attr(info_data, attr))
    out['stp'] = bool(_attr(info_data, 'IFLA_BR_STP_STATE', 0))
    out['vlan_filtering'] = bool(_attr(info_data, 'IFLA_BR_VLAN_FILTERING', 0))
    out['priority'] = _attr(info_data, 'IFLA_BR_PRIORITY')
    # While STP handles a topology change the kernel ages the FDB at twice the forward delay and
    # reports THAT as the ageing time, not the configured one (802.1D; the flag can stay set once
    # STP is turned off in the middle of one, until the ageing time is written).
    out['topology_change'] = bool(_attr(info_data, 'IFLA_BR_TOPOLOGY_CHANGE', 0))
    return out


def parse_tun(info_data, carrier):
    """IFLA_INFO_DATA of a tun/tap (kind 'tun') -> plain options. OWNER and GROUP are absent when
    unset (None). ``carrier``: a persistent tun/tap has carrier only while a process holds it."""
    return {
        'mode': TUN_TYPES.get(_attr(info_data, 'IFLA_TUN_TYPE')),
        'owner': _attr(info_data, 'IFLA_TUN_OWNER'),
        'group': _attr(info_data, 'IFLA_TUN_GROUP'),
        'packet_info': bool(_attr(info_data, 'IFLA_TUN_PI', 0)),
        'vnet_hdr': bool(_attr(info_data, 'IFLA_TUN_VNET_HDR', 0)),
        'persist': bool(_attr(info_data, 'IFLA_TUN_PERSIST', 0)),
        'multi_queue': bool(_attr(info_data, 'IFLA_TUN_MULTI_QUEUE', 0)),
        'in_use': bool(carrier),
    }


def parse_vxlan(info_data):
    """IFLA_INFO_DATA of a vxlan -> {'vni','remote','group','local','link_index','port','ttl','learning'}.

    The kernel keeps the unicast peer and the multicast group in one attribute (IFLA_VXLAN_GROUP or
    IFLA_VXLAN_GROUP6): a multicast address is the group, any other the remote. IFLA_VXLAN_PORT travels
    in network byte order; pyroute2 (0.7.2 and 0.9.x) decodes it as a big-endian 16-bit field, so the
    value here is the port number. 'link_index' is the underlay's ifindex (0/None: no underlay); the
    observer turns it into a name."""
    if info_data is None:
        return {}
    peer = _attr(info_data, 'IFLA_VXLAN_GROUP') or _attr(info_data, 'IFLA_VXLAN_GROUP6')
    local = _attr(info_data, 'IFLA_VXLAN_LOCAL') or _attr(info_data, 'IFLA_VXLAN_LOCAL6')
    remote = group = None
    if peer:
        peer = str(ipaddress.ip_address(peer))
        if peer in ('0.0.0.0', '::'):
            peer = None
        elif ipaddress.ip_address(peer).is_multicast:
            group = peer
        else:
            remote = peer
    if local:
        local = str(ipaddress.ip_address(local))
        if local in ('0.0.0.0', '::'):
            local = None
    learning = _attr(info_data, 'IFLA_VXLAN_LEARNING')
    return {
        'vni': _attr(info_data, 'IFLA_VXLAN_ID'),
        'remote': remote,
        'group': group,
        'local': local,
        'link_index': _attr(info_data, 'IFLA_VXLAN_LINK') or None,
        'port': _attr(info_data, 'IFLA_VXLAN_PORT'),
        'ttl': _attr(info_data, 'IFLA_VXLAN_TTL', 0),
        'learning': None if learning is None else bool(learning),
    }


def _operstate(value):
    if isinstance(value, str):
        return value.lower()
    return OPERSTATES.get(value, 'unknown')


def parse_link(msg):
    """RTM_NEWLINK -> {'name','index','kind','mtu','mac','up','operstate','master_index',
    'alias','link_index','link_netnsid','bridge'}. Names of master and peer are filled in later
    by the observer, which knows the other links and namespaces."""
    flags = _field(msg, 'flags', 0) or 0
    info = _attr(msg, 'IFLA_LINKINFO')
    kind = _attr(info, 'IFLA_INFO_KIND') if info is not None else None
    if kind is None:
        kind = 'loopback' if flags & IFF_LOOPBACK else 'device'
    link_netnsid = _attr(msg, 'IFLA_LINK_NETNSID')
    if link_netnsid in NSID_NONE:
        link_netnsid = None
    out = {
        'name': _attr(msg, 'IFLA_IFNAME'),
        'index': _field(msg, 'index'),
        'kind': kind,
        'mtu': _attr(msg, 'IFLA_MTU'),
        'mac': _attr(msg, 'IFLA_ADDRESS'),
        'up': bool(flags & IFF_UP),
        'operstate': _operstate(_attr(msg, 'IFLA_OPERSTATE')),
        'master_index': _attr(msg, 'IFLA_MASTER') or None,
        'alias': _attr(msg, 'IFLA_IFALIAS') or None,
        'link_index': _attr(msg, 'IFLA_LINK'),
        'link_netnsid': link_netnsid,
    }
    if kind == 'bridge':
        out['bridge'] = parse_bridge(_attr(info, 'IFLA_INFO_DATA'))
    if kind == 'tun':
        out['tun'] = parse_tun(_attr(info, 'IFLA_INFO_DATA'), _attr(msg, 'IFLA_CARRIER', 0))
    if kind == 'vxlan':
        out['vxlan'] = parse_vxlan(_attr(info, 'IFLA_INFO_DATA'))
    return out


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
