# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A few rtnetlink change requests encoded with struct and sent over a plain AF_NETLINK socket.

Building hundreds of namespaces through pyroute2 costs more in pyroute2 (request filters,
message objects, its event loop, one reply decode per request) than in the kernel. This writer
encodes only what the topology build sends most (a veth created with its peer in place, a link
set up/down or given a master, mtu or alias, a bridge port's hairpin mode, an address added) and
reads nothing but the acks. Everything else still goes through pyroute2 (apply.py). It does not import pyroute2.

``Channel`` is one socket: ``send`` puts a request in flight and returns its sequence number;
``collect`` reads acks until every request in flight is answered and returns {seq: errno}
(0: done). Several requests may be in flight (pipelined): the kernel handles each one as it
is sent and queues its ack; errors are matched to their request by sequence number.
``request`` is send + collect of one request.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import socket
import struct

# Shared with the reader (rawdump); the callers use them as rawlink.NAME.
from ansible_collections.netvirt.linux.plugins.module_utils._netlink.rawdump import (
    NLM_F_REQUEST, NLMSG_ERROR, RTM_NEWLINK, RTM_GETLINK, RTM_NEWADDR,
    IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_MASTER, IFLA_LINKINFO, IFLA_IFALIAS, IFLA_INFO_KIND,
    IFA_ADDRESS, IFA_LOCAL, _NLMSGHDR, _IFINFOMSG, _IFADDRMSG, _RTATTR, _U32, _S32, open_socket)

# Only the writer needs these (the rest are shared with the reader, rawdump).
NLM_F_ACK = 0x4
NLM_F_EXCL = 0x200
NLM_F_CREATE = 0x400
RTM_DELADDR = RTM_NEWADDR + 1     # 21
IFLA_NET_NS_FD = 28
IFLA_INFO_DATA = 2
IFLA_INFO_SLAVE_KIND = 4
IFLA_INFO_SLAVE_DATA = 5
IFLA_BRPORT_MODE = 4
VETH_INFO_PEER = 1
IFA_BROADCAST = 4
IFA_FLAGS = 8
IFF_UP = 0x1


# -- encoding -------------------------------------------------------------------------------
def attr(kind, payload):
    """One rtattr: header, payload, zero padding to 4 bytes."""
    length = _RTATTR.size + len(payload)
    return _RTATTR.pack(length, kind) + payload + b'\0' * ((4 - length % 4) % 4)


def attr_str(kind, text):
    return attr(kind, text.encode('utf-8') + b'\0')


def attr_u32(kind, value):
    return attr(kind, _U32.pack(value))


def ifinfomsg(index=0, flags=0, change=0, family=0, ifi_type=0):
    return _IFINFOMSG.pack(family, ifi_type, index, flags, change)


def link_attrs(name=None, mtu=None, mac=None, master=None, alias=None, net_ns_fd=None):
    """The attributes of a link request, in a fixed order."""
    out = []
    if name is not None:
        out.append(attr_str(IFLA_IFNAME, name))
    if mtu is not None:
        out.append(attr_u32(IFLA_MTU, mtu))
    if mac is not None:
        out.append(attr(IFLA_ADDRESS, mac_bytes(mac)))
    if master is not None:
        out.append(attr_u32(IFLA_MASTER, master))
    if alias is not None:
        out.append(attr_str(IFLA_IFALIAS, alias))
    if net_ns_fd is not None:
        out.append(attr_u32(IFLA_NET_NS_FD, net_ns_fd))
    return b''.join(out)


def mac_bytes(mac):
    parts = mac.split(':')
    if len(parts) != 6:
        raise ValueError("'%s' is not a MAC address" % mac)
    return struct.pack('6B', *[int(p, 16) for p in parts])


def veth_create(name, peer_name, peer_netns_fd=None, master=None):
    """Body of RTM_NEWLINK creating veth ``name`` with its peer ``peer_name`` created straight
    in the namespace of ``peer_netns_fd`` (None: the same namespace), attached to ``master``."""
    peer = ifinfomsg() + link_attrs(name=peer_name, net_ns_fd=peer_netns_fd)
    info = attr_str(IFLA_INFO_KIND, 'veth') + attr(IFLA_INFO_DATA, attr(VETH_INFO_PEER, peer))
    return ifinfomsg() + link_attrs(name=name, master=master) + attr(IFLA_LINKINFO, info)


def link_set(index=0, name=None, up=None, **attrs):
    """Body of RTM_NEWLINK changing a link, named by ``index`` or (index 0) by ``name``."""
    flags = change = 0
    if up is not None:
        change = IFF_UP
        flags = IFF_UP if up else 0
    return ifinfomsg(index=index, flags=flags, change=change) + link_attrs(name=name if not index else None, **attrs)


def port_set(index=0, name=None, hairpin=None):
    """Body of RTM_NEWLINK changing options of a bridge port, named by ``index`` or (index 0) by
    ``name``, as `ip link set DEV type bridge_slave hairpin on` sends it: IFLA_LINKINFO ->
    IFLA_INFO_SLAVE_KIND 'bridge', IFLA_INFO_SLAVE_DATA -> IFLA_BRPORT_MODE (u8). The kernel answers
    EOPNOTSUPP for an interface that is not a port."""
    data = b''
    if hairpin is not None:
        data += attr(IFLA_BRPORT_MODE, struct.pack('B', 1 if hairpin else 0))
    info = attr_str(IFLA_INFO_SLAVE_KIND, 'bridge') + attr(IFLA_INFO_SLAVE_DATA, data)
    return ifinfomsg(index=index) + link_attrs(name=name if not index else None) + attr(IFLA_LINKINFO, info)


def addr(family, index, prefixlen, address, broadcast=None, flags=None):
    """Body of RTM_NEWADDR/RTM_DELADDR: ``address`` and ``broadcast`` are packed bytes
    (socket.inet_pton). IPv4 carries IFA_LOCAL and IFA_ADDRESS, as `ip addr add` sends them."""
    body = _IFADDRMSG.pack(family, prefixlen, 0, 0, index)
    if family == socket.AF_INET:
        body += attr(IFA_LOCAL, address)
    body += attr(IFA_ADDRESS, address)
    if broadcast is not None:
        body += attr(IFA_BROADCAST, broadcast)
    if flags is not None:
        body += attr_u32(IFA_FLAGS, flags)
    return body


def message(msg_type, flags, seq, body):
    return _NLMSGHDR.pack(_NLMSGHDR.size + len(body), msg_type, flags, seq, 0) + body


# -- decoding -------------------------------------------------------------------------------
def replies(data):
    """(type, seq, errno or None, body offset, end) of each message in one received chunk;
    errno for NLMSG_ERROR (0 is an ack), None for other types."""
    offset = 0
    out = []
    while offset + _NLMSGHDR.size <= len(data):
        length, kind, _flags, seq, _pid = _NLMSGHDR.unpack_from(data, offset)
        if length < _NLMSGHDR.size:
            break
        code = None
        if kind == NLMSG_ERROR:
            code = -_S32.unpack_from(data, offset + _NLMSGHDR.size)[0]
        out.append((kind, seq, code, offset + _NLMSGHDR.size, offset + length))
        offset += (length + 3) & ~3
    return out


# -- the socket -----------------------------------------------------------------------------
class Channel(object):
    """One netlink route socket (bound to the namespace it was opened in) with requests in flight.
    Sequence numbers start at ``first_seq``, away from rawdump's dumps on the same socket."""

    def __init__(self, sock=None, first_seq=0x10000):
        if sock is None:
            sock = open_socket()
        self.sock = sock
        self.seq = first_seq - 1
        self.pending = set()

    def close(self):
        self.sock.close()

    def send(self, msg_type, body, flags=0):
        """Put one request in flight (with NLM_F_ACK); its sequence number."""
        self.seq += 1
        self.sock.send(message(msg_type, NLM_F_REQUEST | NLM_F_ACK | flags, self.seq, body))
        self.pending.add(self.seq)
        return self.seq

    def collect(self):
        """Read until every request in flight is answered: {seq: errno} (0 = done)."""
        out = {}
        while self.pending:
            data = self.sock.recv(65536)
            for kind, seq, code, _start, _end in replies(data):
                if kind == NLMSG_ERROR and seq in self.pending:
                    self.pending.discard(seq)
                    out[seq] = code
        return out

    def request(self, msg_type, body, flags=0):
        """One request, waited for: its errno (0 = done)."""
        if self.pending:
            raise RuntimeError('requests in flight: collect them first')
        seq = self.send(msg_type, body, flags)
        return self.collect()[seq]

    def link_index(self, name):
        """The ifindex of link ``name`` in this socket's namespace, or None."""
        if self.pending:
            raise RuntimeError('requests in flight: collect them first')
        self.seq += 1
        seq = self.seq
        body = ifinfomsg() + link_attrs(name=name)
        self.sock.send(message(RTM_GETLINK, NLM_F_REQUEST, seq, body))
        while True:
            data = self.sock.recv(65536)
            for kind, rseq, code, start, _end in replies(data):
                if rseq != seq:
                    continue
                if kind == NLMSG_ERROR:
                    if code == 19:   # ENODEV
                        return None
                    raise OSError(code, os.strerror(code))
                if kind == RTM_NEWLINK:
                    return _IFINFOMSG.unpack_from(data, start)[2]
