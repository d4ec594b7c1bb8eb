# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""rawlink: requests encoded byte for byte as pyroute2 encodes the same message, and acks matched
to their request by sequence number (pipelined requests, errors, replies of other requests)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import socket
import struct

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import loader, rawlink

needs_pyroute2 = pytest.mark.skipif(not loader.HAS_PYROUTE2, reason='pyroute2 is not installed')


def pyroute2_bytes(cls, msg_type, flags, seq, fields, attrs):
    msg = cls()
    for key, value in fields.items():
        msg[key] = value
    msg['attrs'] = attrs
    msg['header']['type'] = msg_type
    msg['header']['flags'] = flags
    msg['header']['sequence_number'] = seq
    msg.encode()
    return bytes(msg.data)


def ifinfmsg():
    return loader.pyroute2.netlink.rtnl.ifinfmsg.ifinfmsg


def ifaddrmsg():
    return loader.pyroute2.netlink.rtnl.ifaddrmsg.ifaddrmsg


CREATE = rawlink.NLM_F_REQUEST | rawlink.NLM_F_ACK | rawlink.NLM_F_CREATE | rawlink.NLM_F_EXCL


@needs_pyroute2
def test_veth_create_with_peer_in_namespace_and_master_is_pyroute2s_message():
    peer = {'attrs': [('IFLA_IFNAME', 'eth0'), ('IFLA_NET_NS_FD', 7)]}
    info = {'attrs': [('IFLA_INFO_KIND', 'veth'), ('IFLA_INFO_DATA', {'attrs': [('VETH_INFO_PEER', peer)]})]}
    want = pyroute2_bytes(ifinfmsg(), rawlink.RTM_NEWLINK, CREATE, 9,
                          {'family': 0, 'index': 0, 'flags': 0, 'change': 0},
                          [('IFLA_IFNAME', 'v0'), ('IFLA_MASTER', 3), ('IFLA_LINKINFO', info)])
    got = rawlink.message(rawlink.RTM_NEWLINK, CREATE, 9, rawlink.veth_create('v0', 'eth0', 7, 3))
    assert got == want
    assert len(got) == struct.unpack_from('=I', got)[0] == 108


@needs_pyroute2
def test_veth_create_in_the_same_namespace_has_no_fd():
    peer = {'attrs': [('IFLA_IFNAME', 'v0p')]}
    info = {'attrs': [('IFLA_INFO_KIND', 'veth'), ('IFLA_INFO_DATA', {'attrs': [('VETH_INFO_PEER', peer)]})]}
    want = pyroute2_bytes(ifinfmsg(), rawlink.RTM_NEWLINK, CREATE, 1,
                          {'family': 0, 'index': 0, 'flags': 0, 'change': 0},
                          [('IFLA_IFNAME', 'v0'), ('IFLA_LINKINFO', info)])
    assert rawlink.message(rawlink.RTM_NEWLINK, CREATE, 1, rawlink.veth_create('v0', 'v0p')) == want


@needs_pyroute2
@pytest.mark.parametrize('index, up, flags, attrs, kwargs', [
    (0, True, 1, [('IFLA_IFNAME', 'v0'), ('IFLA_MTU', 1400), ('IFLA_ADDRESS', '02:00:00:00:00:01'),
                  ('IFLA_MASTER', 0), ('IFLA_IFALIAS', 'netvirt-topology:x')],
     {'mtu': 1400, 'mac': '02:00:00:00:00:01', 'master': 0, 'alias': 'netvirt-topology:x'}),
    (4, False, 0, [], {}),
    (4, None, 0, [('IFLA_MASTER', 2)], {'master': 2}),
])
def test_link_set_is_pyroute2s_message(index, up, flags, attrs, kwargs):
    change = 0 if up is None else 1
    want = pyroute2_bytes(ifinfmsg(), rawlink.RTM_NEWLINK, 5, 2,
                          {'family': 0, 'index': index, 'flags': flags, 'change': change}, attrs)
    got = rawlink.message(rawlink.RTM_NEWLINK, 5, 2, rawlink.link_set(index=index, name='v0', up=up, **kwargs))
    assert got == want


@needs_pyroute2
def test_ipv4_address_is_pyroute2s_message():
    want = pyroute2_bytes(ifaddrmsg(), rawlink.RTM_NEWADDR, CREATE, 3, {'family': 2, 'prefixlen': 16, 'index': 5},
                          [('IFA_LOCAL', '10.0.0.2'), ('IFA_ADDRESS', '10.0.0.2'), ('IFA_BROADCAST', '10.0.255.255')])
    body = rawlink.addr(socket.AF_INET, 5, 16, socket.inet_pton(socket.AF_INET, '10.0.0.2'),
                        socket.inet_pton(socket.AF_INET, '10.0.255.255'))
    assert rawlink.message(rawlink.RTM_NEWADDR, CREATE, 3, body) == want


@needs_pyroute2
def test_ipv6_address_with_nodad_is_pyroute2s_message():
    want = pyroute2_bytes(ifaddrmsg(), rawlink.RTM_NEWADDR, CREATE, 3, {'family': 10, 'prefixlen': 64, 'index': 5},
                          [('IFA_ADDRESS', 'fd00::2'), ('IFA_FLAGS', 2)])
    body = rawlink.addr(socket.AF_INET6, 5, 64, socket.inet_pton(socket.AF_INET6, 'fd00::2'), None, 2)
    assert rawlink.message(rawlink.RTM_NEWADDR, CREATE, 3, body) == want


def test_attr_pads_to_four_bytes():
    assert rawlink.attr_str(rawlink.IFLA_IFNAME, 'v0') == b'\x07\x00\x03\x00v0\x00\x00'
    assert rawlink.attr_u32(rawlink.IFLA_MTU, 1500) == b'\x08\x00\x04\x00\xdc\x05\x00\x00'


def test_bad_mac_is_a_value_error():
    with pytest.raises(ValueError, match='not a MAC'):
        rawlink.mac_bytes('02:00:00')


# -- acks -----------------------------------------------------------------------------------
def ack(seq, code=0, msg_type=rawlink.NLMSG_ERROR):
    body = struct.pack('=i', -code) + b'\0' * 16
    return struct.pack('=IHHII', 16 + len(body), msg_type, 0, seq, 0) + body


class FakeSocket(object):
    """A kernel that answers each request when it is sent; ``answer(msg_type, seq, data)`` gives
    the reply chunks (default: an ack)."""

    def __init__(self, answer=None):
        self.answer = answer or (lambda msg_type, seq, data: [ack(seq)])
        self.sent = []
        self.queue = []

    def send(self, data):
        _length, msg_type, flags, seq, _pid = struct.unpack_from('=IHHII', data)
        self.sent.append((msg_type, flags, seq))
        self.queue.extend(self.answer(msg_type, seq, data))
        return len(data)

    def recv(self, size):
        return self.queue.pop(0)


def test_pipelined_requests_get_their_own_errors_by_sequence():
    refusals = {2: errno.EEXIST, 3: errno.ENODEV}
    chan = rawlink.Channel(FakeSocket(lambda t, seq, d: [ack(seq, refusals.get(seq, 0))]), first_seq=1)
    seqs = [chan.send(rawlink.RTM_NEWLINK, rawlink.link_set(index=i, up=True)) for i in (1, 2, 3, 4)]
    assert seqs == [1, 2, 3, 4]
    assert chan.collect() == {1: 0, 2: errno.EEXIST, 3: errno.ENODEV, 4: 0}
    assert chan.pending == set()
    assert [flags & rawlink.NLM_F_ACK for _t, flags, _s in chan.sock.sent] == [rawlink.NLM_F_ACK] * 4


def test_acks_in_one_chunk_out_of_order_and_stray_messages_are_sorted_out():
    def answer(msg_type, seq, data):
        return []
    sock = FakeSocket(answer)
    chan = rawlink.Channel(sock, first_seq=1)
    chan.send(rawlink.RTM_NEWADDR, b'')
    chan.send(rawlink.RTM_NEWADDR, b'')
    # one chunk: an ack of an old request (seq 99, not in flight), seq 2 refused, then seq 1
    sock.queue = [ack(99, errno.EPERM) + ack(2, errno.EEXIST) + ack(1)]
    assert chan.collect() == {1: 0, 2: errno.EEXIST}


def test_sequence_numbers_start_away_from_rawdumps():
    chan = rawlink.Channel(FakeSocket())
    assert chan.send(rawlink.RTM_NEWLINK, b'') == 0x10000
    assert chan.collect() == {0x10000: 0}


def test_request_waits_for_its_own_ack():
    chan = rawlink.Channel(FakeSocket(lambda t, seq, d: [ack(seq, errno.ERANGE)]))
    assert chan.request(rawlink.RTM_NEWLINK, rawlink.link_set(index=3, mtu=99999)) == errno.ERANGE
    assert chan.request(rawlink.RTM_NEWLINK, rawlink.link_set(index=3, mtu=99999)) == errno.ERANGE
    chan.send(rawlink.RTM_NEWLINK, b'')
    with pytest.raises(RuntimeError):
        chan.request(rawlink.RTM_NEWLINK, b'')


def test_link_index_reads_the_reply_header_or_none():
    def answer(msg_type, seq, data):
        assert msg_type == rawlink.RTM_GETLINK
        name = data[16 + 16 + 4:].split(b'\0')[0]
        if name == b'eth0':
            body = struct.pack('=BxHiII', 0, 1, 7, 0, 0)
            return [struct.pack('=IHHII', 16 + len(body), rawlink.RTM_NEWLINK, 0, seq, 0) + body]
        return [ack(seq, errno.ENODEV)]
    chan = rawlink.Channel(FakeSocket(answer))
    assert chan.link_index('eth0') == 7
    assert chan.link_index('nope') is None


def test_link_index_raises_other_errors():
    chan = rawlink.Channel(FakeSocket(lambda t, seq, d: [ack(seq, errno.EPERM)]))
    with pytest.raises(OSError) as info:
        chan.link_index('eth0')
    assert info.value.errno == errno.EPERM
