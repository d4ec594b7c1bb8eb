# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only link and address dumps over a plain AF_NETLINK socket, decoded with struct.

pyroute2 decodes every attribute of every message into objects; at hundreds of namespaces that
decoding, and opening one IPRoute per namespace, is most of the time of an observation that finds
nothing to change. This reader asks the same dumps (RTM_GETLINK, RTM_GETADDR) and decodes only
the attributes ``parse.parse_link`` / ``parse.parse_addr`` use, into the same plain dicts (tun/tap
options included). It only reads; every change still goes through pyroute2 (apply.py). Bridge options (nested
IFLA_INFO_DATA) are left to pyroute2: the caller re-reads bridges with ``parse.parse_link``.
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
# IFLA_INFO_DATA of kind 'tun' (<linux/if_link.h>): u32 owner and group, u8 flags.
IFLA_TUN_OWNER = 1
IFLA_TUN_GROUP = 2
IFLA_TUN_TYPE = 3
IFLA_TUN_PI = 4
IFLA_TUN_VNET_HDR = 5
IFLA_TUN_PERSIST = 6
IFLA_TUN_MULTI_QUEUE = 7
IFA_ADDRESS = 1
IFA_LOCAL = 2

_NLMSGHDR = struct.Struct('=IHHII')
_IFINFOMSG = struct.Struct('=BxHiII')
_IFADDRMSG = struct.Struct('=BBBBI')
_RTATTR = struct.Struct('=HH')
_U32 = struct.Struct('=I')
_S32 = struct.Struct('=i')


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


def decode_tun(info_data, carrier):
    """IFLA_INFO_DATA of a tun/tap -> the dict parse.parse_tun makes."""
    a = attrs(info_data, 0, len(info_data))
    return {
        'mode': parse.TUN_TYPES.get(_u8(a[IFLA_TUN_TYPE])) if IFLA_TUN_TYPE in a else None,
        'owner': _U32.unpack(a[IFLA_TUN_OWNER])[0] if IFLA_TUN_OWNER in a else None,
        'group': _U32.unpack(a[IFLA_TUN_GROUP])[0] if IFLA_TUN_GROUP in a else None,
        'packet_info': bool(_u8(a.get(IFLA_TUN_PI))),
        'vnet_hdr': bool(_u8(a.get(IFLA_TUN_VNET_HDR))),
        'persist': bool(_u8(a.get(IFLA_TUN_PERSIST))),
        'multi_queue': bool(_u8(a.get(IFLA_TUN_MULTI_QUEUE))),
        'in_use': bool(carrier),
    }


def decode_link(data, offset, end):
    """One RTM_NEWLINK body -> the dict parse.parse_link makes (without 'bridge')."""
    _family, _type, index, flags, _change = _IFINFOMSG.unpack_from(data, offset)
    a = attrs(data, offset + _IFINFOMSG.size, end)
    kind = None
    nested = {}
    if IFLA_LINKINFO in a:
        info = a[IFLA_LINKINFO]
        nested = attrs(info, 0, len(info))
        if IFLA_INFO_KIND in nested:
            kind = _text(nested[IFLA_INFO_KIND])
    if kind is None:
        kind = 'loopback' if flags & parse.IFF_LOOPBACK else 'device'
    netnsid = _S32.unpack(a[IFLA_LINK_NETNSID])[0] if IFLA_LINK_NETNSID in a else None
    if netnsid in parse.NSID_NONE:
        netnsid = None
    master = _U32.unpack(a[IFLA_MASTER])[0] if IFLA_MASTER in a else 0
    alias = _text(a[IFLA_IFALIAS]) if IFLA_IFALIAS in a else None
    operstate = bytearray(a[IFLA_OPERSTATE])[0] if IFLA_OPERSTATE in a else 0
    out = {
        'name': _text(a[IFLA_IFNAME]) if IFLA_IFNAME in a else None,
        'index': index,
        'kind': kind,
        'mtu': _U32.unpack(a[IFLA_MTU])[0] if IFLA_MTU in a else None,
        'mac': _mac(a[IFLA_ADDRESS]) if IFLA_ADDRESS in a else None,
        'up': bool(flags & parse.IFF_UP),
        'operstate': parse.OPERSTATES.get(operstate, 'unknown'),
        'master_index': master or None,
        'alias': alias or None,
        'link_index': _U32.unpack(a[IFLA_LINK])[0] if IFLA_LINK in a else None,
        'link_netnsid': netnsid,
    }
    if kind == 'tun':
        out['tun'] = decode_tun(nested.get(IFLA_INFO_DATA, b''), _u8(a.get(IFLA_CARRIER)))
    return out


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
