# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""rawdump: netlink messages built by hand -> the same plain dicts parse.py gives."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import socket
import struct

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import rawdump


def rta(kind, payload):
    length = 4 + len(payload)
    return struct.pack('=HH', length, kind) + payload + b'\0' * ((4 - length % 4) % 4)


def msg(kind, body):
    return struct.pack('=IHHII', 16 + len(body), kind, 2, 1, 0) + body


def link_msg(index, name, flags=0x1, kind=None, master=None, alias=None, link=None, netnsid=None):
    body = struct.pack('=BxHiII', 0, 1, index, flags, 0)
    body += rta(rawdump.IFLA_IFNAME, name.encode() + b'\0')
    body += rta(rawdump.IFLA_MTU, struct.pack('=I', 1500))
    body += rta(rawdump.IFLA_ADDRESS, b'\x02\x00\x00\x00\x00\x0a')
    body += rta(rawdump.IFLA_OPERSTATE, b'\x06')
    if kind:
        body += rta(rawdump.IFLA_LINKINFO | 0x8000, rta(rawdump.IFLA_INFO_KIND, kind.encode() + b'\0'))
    if master:
        body += rta(rawdump.IFLA_MASTER, struct.pack('=I', master))
    if alias:
        body += rta(rawdump.IFLA_IFALIAS, alias.encode() + b'\0')
    if link:
        body += rta(rawdump.IFLA_LINK, struct.pack('=I', link))
    if netnsid is not None:
        body += rta(rawdump.IFLA_LINK_NETNSID, struct.pack('=i', netnsid))
    return msg(rawdump.RTM_NEWLINK, body)


def addr_msg(index, family, raw, prefixlen):
    body = struct.pack('=BBBBI', family, prefixlen, 0, 0, index)
    body += rta(rawdump.IFA_ADDRESS, raw)
    if family == socket.AF_INET:
        body += rta(rawdump.IFA_LOCAL, raw)
    return msg(rawdump.RTM_NEWADDR, body)


DONE = msg(rawdump.NLMSG_DONE, struct.pack('=i', 0))


def decoded(chunks, decode):
    return [decode(data, offset, end) for _kind, data, offset, end in rawdump.messages(chunks)]


def test_links_decode_as_parse_link_does():
    v1 = link_msg(5, 'v1', kind='veth', master=2, alias='netvirt-topology:lab', link=2, netnsid=0)
    chunk = link_msg(1, 'lo', flags=0x9) + v1 + DONE
    lo, v1 = decoded([chunk], rawdump.decode_link)
    assert lo == {'name': 'lo', 'index': 1, 'kind': 'loopback', 'mtu': 1500, 'mac': '02:00:00:00:00:0a', 'up': True,
                  'operstate': 'up', 'master_index': None, 'alias': None, 'link_index': None, 'link_netnsid': None}
    assert v1['kind'] == 'veth'
    assert (v1['master_index'], v1['alias'], v1['link_index'], v1['link_netnsid']) == (2, 'netvirt-topology:lab', 2, 0)


def test_no_netnsid_is_none():
    (v1,) = decoded([link_msg(5, 'v1', kind='veth', netnsid=-1) + DONE], rawdump.decode_link)
    assert v1['link_netnsid'] is None


def test_messages_over_several_chunks_stop_at_done():
    chunks = [link_msg(1, 'lo'), link_msg(2, 'eth0', flags=0) + DONE + link_msg(3, 'never')]
    names = [(l['name'], l['up']) for l in decoded(chunks, rawdump.decode_link)]
    assert names == [('lo', True), ('eth0', False)]


def test_addresses():
    chunk = (addr_msg(2, socket.AF_INET, socket.inet_pton(socket.AF_INET, '10.0.0.2'), 24)
             + addr_msg(2, socket.AF_INET6, socket.inet_pton(socket.AF_INET6, 'fd00::2'), 64) + DONE)
    assert decoded([chunk], rawdump.decode_addr) == [(2, '10.0.0.2/24', socket.AF_INET),
                                                     (2, 'fd00::2/64', socket.AF_INET6)]


def test_netlink_error_is_raised():
    chunk = msg(rawdump.NLMSG_ERROR, struct.pack('=i', -errno.EPERM) + b'\0' * 16)
    with pytest.raises(OSError) as err:
        list(rawdump.messages([chunk]))
    assert err.value.errno == errno.EPERM
