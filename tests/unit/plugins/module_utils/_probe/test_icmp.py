# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ICMP echo packets: checksum, requests, replies and errors matched by identifier and sequence."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import struct

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._probe import icmp


def ipv4(payload, proto=1, ihl=5):
    """A minimal IPv4 header (checksum left 0: a raw socket hands it over as received)."""
    header = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, 20 + len(payload), 0, 0, 64, proto, 0,
                         bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1]))
    return header + b'\0' * (ihl * 4 - 20) + payload


def reply(family, ident, seq, payload=b'x'):
    kind = 0 if family == 4 else 129
    return struct.pack('!BBHHH', kind, 0, 0, ident, seq) + payload


def test_checksum_of_rfc1071_example():
    # RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (one's complement: 220d)
    assert icmp.checksum(bytes.fromhex('0001f203f4f5f6f7')) == 0x220d


def test_checksum_of_odd_length_pads_with_zero():
    assert icmp.checksum(b'\x01') == icmp.checksum(b'\x01\x00') == 0xfeff


def test_ipv4_echo_request_layout_and_checksum_verifies():
    packet = icmp.echo_request(4, 0x1234, 7, b'abc')
    kind, code, _sum, ident, seq = struct.unpack('!BBHHH', packet[:8])
    assert (kind, code, ident, seq) == (8, 0, 0x1234, 7)
    assert packet[8:] == b'abc'
    assert icmp.checksum(packet) == 0      # a packet with its checksum in place sums to zero


def test_ipv6_echo_request_leaves_the_checksum_to_the_kernel():
    packet = icmp.echo_request(6, 0xbeef, 1)
    assert struct.unpack('!BBHHH', packet) == (128, 0, 0, 0xbeef, 1)


def test_identifier_and_sequence_wrap_to_16_bits():
    packet = icmp.echo_request(4, 0x12345, 0x10001)
    assert struct.unpack('!HH', packet[4:8]) == (0x2345, 1)


@pytest.mark.parametrize('ihl', [5, 6])
def test_ipv4_reply_is_found_after_the_ip_header_whatever_its_length(ihl):
    assert icmp.parse(4, ipv4(reply(4, 42, 3), ihl=ihl)) == ('reply', 42, 3, None)


def test_ipv6_reply_has_no_ip_header():
    assert icmp.parse(6, reply(6, 42, 3)) == ('reply', 42, 3, None)


def test_echo_requests_and_other_types_are_not_ours():
    assert icmp.parse(4, ipv4(icmp.echo_request(4, 42, 3))) is None   # a request someone sends us
    assert icmp.parse(6, icmp.echo_request(6, 42, 3)) is None
    assert icmp.parse(4, ipv4(struct.pack('!BBHHH', 13, 0, 0, 42, 3))) is None   # timestamp
    assert icmp.parse(6, struct.pack('!BBHHH', 135, 0, 0, 0, 0)) is None          # neighbour solicitation


@pytest.mark.parametrize('data', [b'', b'\x45\x00', b'\x60' + b'\0' * 30, ipv4(b'\x00\x00')])
def test_short_or_foreign_data_is_ignored(data):
    assert icmp.parse(4, data) is None


def test_ipv4_host_unreachable_quotes_our_request():
    quoted = ipv4(icmp.echo_request(4, 42, 5, b'payload'))
    error = struct.pack('!BBHI', 3, 1, 0, 0) + quoted
    assert icmp.parse(4, ipv4(error)) == ('error', 42, 5, 'host unreachable')


def test_ipv4_unknown_code_is_named_by_number():
    quoted = ipv4(icmp.echo_request(4, 42, 5))
    assert icmp.parse(4, ipv4(struct.pack('!BBHI', 3, 15, 0, 0) + quoted)) == \
        ('error', 42, 5, 'destination unreachable (code 15)')


def test_ipv6_unreachable_quotes_the_ipv6_header_and_request():
    quoted = b'\x60' + b'\0' * 39 + icmp.echo_request(6, 9, 1)
    error = struct.pack('!BBHI', 1, 3, 0, 0) + quoted
    assert icmp.parse(6, error) == ('error', 9, 1, 'address unreachable')


def test_an_error_about_something_else_than_an_echo_request_is_not_ours():
    quoted = ipv4(struct.pack('!HHHH', 1234, 80, 8, 0), proto=17)   # a UDP datagram
    assert icmp.parse(4, ipv4(struct.pack('!BBHI', 3, 3, 0, 0) + quoted)) is None


def test_filters_let_replies_and_errors_in_and_block_the_rest():
    mask = struct.unpack('I', icmp.ipv4_filter())[0]
    for kind in (0, 3, 11):
        assert not mask & (1 << kind)
    for kind in (8, 5, 13):
        assert mask & (1 << kind)
    words = struct.unpack('8I', icmp.ipv6_filter())

    def blocked(kind):
        return bool(words[kind >> 5] & (1 << (kind & 31)))
    assert [blocked(k) for k in (129, 1, 3, 128, 135, 136)] == [False, False, False, True, True, True]
