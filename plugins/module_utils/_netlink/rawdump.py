# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only link and address dumps over a plain AF_NETLINK socket, decoded with struct.

pyroute2 decodes every attribute of every message into objects; at hundreds of namespaces that
decoding, and opening one IPRoute per namespace, is most of the time of an observation that finds
nothing to change. This reader asks the same dumps (RTM_GETLINK, RTM_GETADDR) and decodes only
the attributes parse.py names (``parse.LINK_ATTRS``, ``parse.INFO_DATA_ATTRS``) into the same
plain {name: value} mappings the pyroute2 path makes, which ``parse.plain_link`` turns into the
link: what a link is made of is decided there once, for both readers; here are only the numbers
and wire formats (LINK, INFO_DATA). It only reads; every change goes through pyroute2 (apply.py)
or rawlink.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import socket
import struct

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import parse

NETLINK_ROUTE = 0
NLM_F_REQUEST = 0x1
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3
RTM_NEWLINK = 16
RTM_GETLINK = 18
RTM_NEWADDR = 20
RTM_GETADDR = 22

IFLA_ADDRESS = 1
IFLA_IFNAME = 3
IFLA_MTU = 4
IFLA_LINK = 5
IFLA_MASTER = 10
IFLA_OPERSTATE = 16
IFLA_LINKINFO = 18
IFLA_IFALIAS = 20
IFLA_CARRIER = 33
IFLA_LINK_NETNSID = 37
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2
IFLA_INFO_SLAVE_KIND = 4
IFLA_INFO_SLAVE_DATA = 5
# IFLA_INFO_SLAVE_DATA of a bridge port (<linux/if_link.h>, enum IFLA_BRPORT_*).
IFLA_BRPORT_MODE = 4
# IFLA_INFO_DATA of kind 'bridge', 'vxlan' and 'tun' (<linux/if_link.h>).
IFLA_BR_FORWARD_DELAY = 1
IFLA_BR_HELLO_TIME = 2
IFLA_BR_MAX_AGE = 3
IFLA_BR_AGEING_TIME = 4
IFLA_BR_STP_STATE = 5
IFLA_BR_PRIORITY = 6
IFLA_BR_VLAN_FILTERING = 7
IFLA_BR_TOPOLOGY_CHANGE = 14
IFLA_VXLAN_ID = 1
IFLA_VXLAN_GROUP = 2
IFLA_VXLAN_LINK = 3
IFLA_VXLAN_LOCAL = 4
IFLA_VXLAN_TTL = 5
IFLA_VXLAN_LEARNING = 7
IFLA_VXLAN_PORT = 15
IFLA_VXLAN_GROUP6 = 16
IFLA_VXLAN_LOCAL6 = 17
IFLA_TUN_OWNER = 1
IFLA_TUN_GROUP = 2
IFLA_TUN_TYPE = 3
IFLA_TUN_PI = 4
IFLA_TUN_VNET_HDR = 5
IFLA_TUN_PERSIST = 6
IFLA_TUN_MULTI_QUEUE = 7
IFLA_VLAN_ID = 1
IFLA_VLAN_PROTOCOL = 5
IFLA_MACVLAN_MODE = 1
IFLA_MACVLAN_MACADDR = 4
IFLA_MACVLAN_MACADDR_DATA = 5
IFLA_IPVLAN_MODE = 1
IFLA_IPVLAN_FLAGS = 2
IFLA_BOND_MODE = 1
IFLA_BOND_MIIMON = 3
IFLA_BOND_ARP_INTERVAL = 7
IFLA_BOND_ARP_IP_TARGET = 8
IFLA_BOND_PRIMARY = 11
IFLA_BOND_XMIT_HASH_POLICY = 14
IFLA_BOND_AD_LACP_RATE = 21
IFLA_EXT_MASK = 29
IFLA_AF_SPEC = 26
IFLA_BRIDGE_VLAN_INFO = 2
RTEXT_FILTER_BRVLAN = 2
AF_BRIDGE = 7
IFA_ADDRESS = 1
IFA_LOCAL = 2

_NLMSGHDR = struct.Struct('=IHHII')
_IFINFOMSG = struct.Struct('=BxHiII')
_IFADDRMSG = struct.Struct('=BBBBI')
_RTATTR = struct.Struct('=HH')
_U16 = struct.Struct('=H')
_U32 = struct.Struct('=I')
_S32 = struct.Struct('=i')
_BE16 = struct.Struct('>H')


def open_socket():
    """A netlink route socket in the calling thread's namespace (bound there for its life)."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    sock.bind((0, 0))
    return sock


def attrs(data, offset, end):
    """{type: bytes} of the rtattrs between offset and end (nested flag bits cleared)."""
    out = {}
    while offset + 4 <= end:
        length, kind = _RTATTR.unpack_from(data, offset)
        if length < 4:
            break
        out[kind & 0x3fff] = data[offset + 4:offset + length]
        offset += (length + 3) & ~3
    return out


def _text(raw):
    return raw.split(b'\0', 1)[0].decode('utf-8', 'replace')


def _mac(raw):
    return ':'.join('%02x' % b for b in bytearray(raw))


def _u8(raw):
    return bytearray(raw)[0] if raw else 0


def _u16(raw):
    return _U16.unpack_from(raw)[0]


def _u32(raw):
    return _U32.unpack_from(raw)[0]


def _s32(raw):
    return _S32.unpack_from(raw)[0]


def _be16(raw):
    return _BE16.unpack_from(raw)[0]


def _macs(raw):
    """A nested list of IFLA_MACVLAN_MACADDR attributes -> [MAC text]."""
    out = []
    offset = 0
    while offset + 4 <= len(raw):
        length, kind = _RTATTR.unpack_from(raw, offset)
        if length < 4:
            break
        if kind & 0x3fff == IFLA_MACVLAN_MACADDR:
            out.append(_mac(raw[offset + 4:offset + length]))
        offset += (length + 3) & ~3
    return out


def _ip4(raw):
    return socket.inet_ntop(socket.AF_INET, raw[:4])


def _ip6(raw):
    return socket.inet_ntop(socket.AF_INET6, raw[:16])


def _ip4_list(raw):
    """A nest of IPv4 addresses (IFLA_BOND_ARP_IP_TARGET: attribute i holds the i-th) -> [text]."""
    nested = attrs(raw, 0, len(raw))
    return [_ip4(nested[k]) for k in sorted(nested) if len(nested[k]) >= 4]


# Wire format of every attribute parse.py reads: {number: (pyroute2's name, decoder)}
# (<linux/if_link.h>; test_rawdump checks these names are exactly parse.LINK_ATTRS and
# parse.INFO_DATA_ATTRS, the integration test test_decoders the numbers and formats on real links).
LINK = {
    IFLA_ADDRESS: ('IFLA_ADDRESS', _mac),
    IFLA_IFNAME: ('IFLA_IFNAME', _text),
    IFLA_MTU: ('IFLA_MTU', _u32),
    IFLA_LINK: ('IFLA_LINK', _u32),
    IFLA_MASTER: ('IFLA_MASTER', _u32),
    IFLA_OPERSTATE: ('IFLA_OPERSTATE', _u8),
    IFLA_IFALIAS: ('IFLA_IFALIAS', _text),
    IFLA_CARRIER: ('IFLA_CARRIER', _u8),
    IFLA_LINK_NETNSID: ('IFLA_LINK_NETNSID', _s32),
}
INFO_DATA = {
    'bridge': {
        IFLA_BR_FORWARD_DELAY: ('IFLA_BR_FORWARD_DELAY', _u32),
        IFLA_BR_HELLO_TIME: ('IFLA_BR_HELLO_TIME', _u32),
        IFLA_BR_MAX_AGE: ('IFLA_BR_MAX_AGE', _u32),
        IFLA_BR_AGEING_TIME: ('IFLA_BR_AGEING_TIME', _u32),
        IFLA_BR_STP_STATE: ('IFLA_BR_STP_STATE', _u32),
        IFLA_BR_PRIORITY: ('IFLA_BR_PRIORITY', _u16),
        IFLA_BR_VLAN_FILTERING: ('IFLA_BR_VLAN_FILTERING', _u8),
        IFLA_BR_TOPOLOGY_CHANGE: ('IFLA_BR_TOPOLOGY_CHANGE', _u8),
    },
    'tun': {
        IFLA_TUN_OWNER: ('IFLA_TUN_OWNER', _u32),
        IFLA_TUN_GROUP: ('IFLA_TUN_GROUP', _u32),
        IFLA_TUN_TYPE: ('IFLA_TUN_TYPE', _u8),
        IFLA_TUN_PI: ('IFLA_TUN_PI', _u8),
        IFLA_TUN_VNET_HDR: ('IFLA_TUN_VNET_HDR', _u8),
        IFLA_TUN_PERSIST: ('IFLA_TUN_PERSIST', _u8),
        IFLA_TUN_MULTI_QUEUE: ('IFLA_TUN_MULTI_QUEUE', _u8),
    },
    'bond': {
        IFLA_BOND_MODE: ('IFLA_BOND_MODE', _u8),
        IFLA_BOND_MIIMON: ('IFLA_BOND_MIIMON', _u32),
        IFLA_BOND_ARP_INTERVAL: ('IFLA_BOND_ARP_INTERVAL', _u32),
        IFLA_BOND_ARP_IP_TARGET: ('IFLA_BOND_ARP_IP_TARGET', _ip4_list),
        IFLA_BOND_PRIMARY: ('IFLA_BOND_PRIMARY', _u32),
        IFLA_BOND_XMIT_HASH_POLICY: ('IFLA_BOND_XMIT_HASH_POLICY', _u8),
        IFLA_BOND_AD_LACP_RATE: ('IFLA_BOND_AD_LACP_RATE', _u8),
    },
    'vxlan': {
        IFLA_VXLAN_ID: ('IFLA_VXLAN_ID', _u32),
        IFLA_VXLAN_GROUP: ('IFLA_VXLAN_GROUP', _ip4),
        IFLA_VXLAN_LINK: ('IFLA_VXLAN_LINK', _u32),
        IFLA_VXLAN_LOCAL: ('IFLA_VXLAN_LOCAL', _ip4),
        IFLA_VXLAN_TTL: ('IFLA_VXLAN_TTL', _u8),
        IFLA_VXLAN_LEARNING: ('IFLA_VXLAN_LEARNING', _u8),
        IFLA_VXLAN_PORT: ('IFLA_VXLAN_PORT', _be16),
        IFLA_VXLAN_GROUP6: ('IFLA_VXLAN_GROUP6', _ip6),
        IFLA_VXLAN_LOCAL6: ('IFLA_VXLAN_LOCAL6', _ip6),
    },
    'vlan': {
        IFLA_VLAN_ID: ('IFLA_VLAN_ID', _u16),
        IFLA_VLAN_PROTOCOL: ('IFLA_VLAN_PROTOCOL', _be16),
    },
    'macvlan': {
        IFLA_MACVLAN_MODE: ('IFLA_MACVLAN_MODE', _u32),
        IFLA_MACVLAN_MACADDR_DATA: ('IFLA_MACVLAN_MACADDR_DATA', _macs),
    },
    'ipvlan': {
        IFLA_IPVLAN_MODE: ('IFLA_IPVLAN_MODE', _u16),
        IFLA_IPVLAN_FLAGS: ('IFLA_IPVLAN_FLAGS', _u16),
    },
}


# IFLA_INFO_SLAVE_DATA by IFLA_INFO_SLAVE_KIND (the names: parse.SLAVE_DATA_ATTRS).
SLAVE_DATA = {
    'bridge': {
        IFLA_BRPORT_MODE: ('IFLA_BRPORT_MODE', _u8),
    },
}


def named_attrs(data, offset, end, table, nested=None):
    """{name: value} of the rtattrs between offset and end that ``table`` knows ({number: (name,
    decoder)}); the payload of attribute ``nested`` (a number), if there, as bytes under that number."""
    out = {}
    while offset + 4 <= end:
        length, kind = _RTATTR.unpack_from(data, offset)
        if length < 4:
            break
        kind &= 0x3fff
        entry = table.get(kind)
        if entry is not None:
            out[entry[0]] = entry[1](data[offset + 4:offset + length])
        elif kind == nested:
            out[kind] = data[offset + 4:offset + length]
        offset += (length + 3) & ~3
    return out


def decode_link(data, offset, end):
    """One RTM_NEWLINK body -> the plain link of parse.plain_link (what parse.parse_link gives)."""
    _family, _type, index, flags, _change = _IFINFOMSG.unpack_from(data, offset)
    found = named_attrs(data, offset + _IFINFOMSG.size, end, LINK, IFLA_LINKINFO)
    kind = info_data = slave_kind = slave_data = None
    info = found.pop(IFLA_LINKINFO, None)
    if info is not None:
        nested = attrs(info, 0, len(info))
        if IFLA_INFO_KIND in nested:
            kind = _text(nested[IFLA_INFO_KIND])
            table = INFO_DATA.get(kind)
            if table is not None and IFLA_INFO_DATA in nested:
                raw = nested[IFLA_INFO_DATA]
                info_data = named_attrs(raw, 0, len(raw), table)
        if IFLA_INFO_SLAVE_KIND in nested:
            slave_kind = _text(nested[IFLA_INFO_SLAVE_KIND])
            table = SLAVE_DATA.get(slave_kind)
            if table is not None and IFLA_INFO_SLAVE_DATA in nested:
                raw = nested[IFLA_INFO_SLAVE_DATA]
                slave_data = named_attrs(raw, 0, len(raw), table)
    return parse.plain_link(index, flags, kind, found, info_data, slave_kind, slave_data)


def decode_addr(data, offset, end):
    """One RTM_NEWADDR body -> (ifindex, 'address/prefixlen', family), as parse.parse_addr."""
    family, prefixlen, _flags, _scope, index = _IFADDRMSG.unpack_from(data, offset)
    a = attrs(data, offset + _IFADDRMSG.size, end)
    raw = a.get(IFA_LOCAL) if family == socket.AF_INET else None
    if raw is None:
        raw = a.get(IFA_ADDRESS)
    text = socket.inet_ntop(family, raw) if raw is not None else None
    return index, '%s/%s' % (text, prefixlen), family


def messages(chunks):
    """(type, data, body offset, end) of every message in the received chunks; raises OSError
    on a netlink error."""
    for data in chunks:
        offset = 0
        while offset + _NLMSGHDR.size <= len(data):
            length, kind, _flags, _seq, _pid = _NLMSGHDR.unpack_from(data, offset)
            if length < _NLMSGHDR.size:
                break
            if kind == NLMSG_DONE:
                return
            if kind == NLMSG_ERROR:
                code = -_S32.unpack_from(data, offset + _NLMSGHDR.size)[0]
                if code:
                    raise OSError(code, os.strerror(code))
            else:
                yield kind, data, offset + _NLMSGHDR.size, offset + length
            offset += (length + 3) & ~3


def dump(sock, msg_type, body, seq=1):
    """Send one dump request and return the list of received chunks up to NLMSG_DONE."""
    header = _NLMSGHDR.pack(_NLMSGHDR.size + len(body), msg_type, NLM_F_REQUEST | NLM_F_DUMP, seq, 0)
    sock.send(header + body)
    chunks = []
    while True:
        data = sock.recv(1 << 20)
        chunks.append(data)
        done = False
        offset = 0
        while offset + _NLMSGHDR.size <= len(data):
            length, kind = _NLMSGHDR.unpack_from(data, offset)[:2]
            if kind in (NLMSG_DONE, NLMSG_ERROR) or length < _NLMSGHDR.size:
                done = True
                break
            offset += (length + 3) & ~3
        if done:
            return chunks


def links(sock):
    """[link dict] and [(ifindex, cidr, family)] of the socket's namespace."""
    out = []
    for kind, data, offset, end in messages(dump(sock, RTM_GETLINK, _IFINFOMSG.pack(0, 0, 0, 0, 0), 1)):
        if kind == RTM_NEWLINK:
            out.append(decode_link(data, offset, end))
    addrs = []
    for kind, data, offset, end in messages(dump(sock, RTM_GETADDR, _IFADDRMSG.pack(0, 0, 0, 0, 0), 2)):
        if kind == RTM_NEWADDR:
            addrs.append(decode_addr(data, offset, end))
    return out, addrs


def decode_vlans(data, offset, end):
    """One AF_BRIDGE RTM_NEWLINK body of a vlan dump -> (ifindex, [(vid, flags)]), as parse.parse_vlans.
    IFLA_BRIDGE_VLAN_INFO is struct bridge_vlan_info {u16 flags; u16 vid}, one attribute per VLAN."""
    _family, _type, index, _flags, _change = _IFINFOMSG.unpack_from(data, offset)
    entries = []
    found = attrs(data, offset + _IFINFOMSG.size, end)
    spec = found.get(IFLA_AF_SPEC)
    if spec is not None:
        inner = 0
        while inner + 4 <= len(spec):
            length, kind = _RTATTR.unpack_from(spec, inner)
            if length < 4:
                break
            if kind & 0x3fff == IFLA_BRIDGE_VLAN_INFO and length >= 8:
                flags, vid = struct.unpack_from('=HH', spec, inner + 4)
                entries.append((vid, flags))
            inner += (length + 3) & ~3
    return index, entries


def vlans(sock):
    """[(ifindex, [(vid, flags)])] of every bridge port and bridge of the socket's namespace (the
    dump `bridge vlan show` asks: AF_BRIDGE, IFLA_EXT_MASK = RTEXT_FILTER_BRVLAN)."""
    body = _IFINFOMSG.pack(AF_BRIDGE, 0, 0, 0, 0) + struct.pack('=HHI', 8, IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN)
    out = []
    for kind, data, offset, end in messages(dump(sock, RTM_GETLINK, body, 3)):
        if kind == RTM_NEWLINK:
            out.append(decode_vlans(data, offset, end))
    return out
