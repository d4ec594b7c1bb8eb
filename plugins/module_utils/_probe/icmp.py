# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ICMP echo packets: build requests, read what a raw socket receives. Pure Python, no sockets.

An IPv4 raw socket (``SOCK_RAW, IPPROTO_ICMP``) receives whole IP packets; an IPv6 one
(``IPPROTO_ICMPV6``) receives the ICMPv6 message alone, and the kernel fills in its checksum on
send. Replies are matched to requests by identifier and sequence number; an error (destination
unreachable, time exceeded) carries the start of the request that caused it, so it is matched
the same way.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import struct

ECHO_REQUEST = {4: 8, 6: 128}
ECHO_REPLY = {4: 0, 6: 129}
# Errors that quote the request: {family: {type: (text, {code: text})}}
ERRORS = {
    4: {
        3: ('destination unreachable', {0: 'network unreachable', 1: 'host unreachable', 2: 'protocol unreachable',
                                        3: 'port unreachable', 9: 'network prohibited', 10: 'host prohibited',
                                        13: 'communication administratively prohibited'}),
        11: ('time exceeded', {0: 'TTL exceeded in transit'}),
    },
    6: {
        1: ('destination unreachable', {0: 'no route to destination', 1: 'communication administratively prohibited',
                                        3: 'address unreachable', 4: 'port unreachable'}),
        3: ('time exceeded', {0: 'hop limit exceeded in transit'}),
    },
}
HEADER = struct.Struct('!BBHHH')   # type, code, checksum, identifier, sequence
IPV6_HEADER_LEN = 40


def checksum(data):
    """The Internet checksum (RFC 1071) of bytes."""
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def echo_request(family, ident, seq, payload=b''):
    """An echo request (ICMP type 8, ICMPv6 type 128). The IPv4 checksum is computed here; for
    IPv6 the kernel computes it (it covers a pseudo-header only the kernel knows)."""
    kind = ECHO_REQUEST[family]
    body = HEADER.pack(kind, 0, 0, ident & 0xffff, seq & 0xffff) + payload
    if family == 6:
        return body
    return HEADER.pack(kind, 0, checksum(body), ident & 0xffff, seq & 0xffff) + payload


def _ipv4_payload(data):
    """The IPv4 packet's payload, or None when it is not a whole IPv4 header."""
    if len(data) < 20 or data[0] >> 4 != 4:
        return None
    ihl = (data[0] & 0x0f) * 4
    if ihl < 20 or len(data) < ihl:
        return None
    return data[ihl:]


def parse(family, data):
    """What a raw socket received, as ``(kind, ident, seq, text)``, or None for anything that is
    not about an echo request: ``kind`` is ``'reply'`` for an echo reply, ``'error'`` for an
    ICMP error quoting an echo request (``text`` says which error)."""
    data = bytearray(data)
    message = _ipv4_payload(data) if family == 4 else data
    if message is None or len(message) < HEADER.size:
        return None
    kind, code, _sum, ident, seq = HEADER.unpack(bytes(message[:HEADER.size]))
    if kind == ECHO_REPLY[family]:
        return ('reply', ident, seq, None)
    error = ERRORS[family].get(kind)
    if error is None:
        return None
    quoted = message[8:]      # the 4 bytes after type/code/checksum are unused (or MTU)
    if family == 4:
        quoted = _ipv4_payload(quoted)
    else:
        quoted = quoted[IPV6_HEADER_LEN:] if len(quoted) >= IPV6_HEADER_LEN else None
    if quoted is None or len(quoted) < HEADER.size:
        return None
    q_kind, _code, _sum, q_ident, q_seq = HEADER.unpack(bytes(quoted[:HEADER.size]))
    if q_kind != ECHO_REQUEST[family]:
        return None
    name, codes = error
    return ('error', q_ident, q_seq, codes.get(code, '%s (code %d)' % (name, code)))


def ipv4_filter():
    """The ICMP_FILTER mask (bits set are dropped) letting only echo replies and the errors above in."""
    wanted = (1 << ECHO_REPLY[4]) | sum(1 << kind for kind in ERRORS[4])
    return struct.pack('I', ~wanted & 0xffffffff)


def ipv6_filter():
    """The ICMP6_FILTER (256 bits, a set bit blocks the type) letting echo replies and errors in."""
    words = [0xffffffff] * 8
    for kind in [ECHO_REPLY[6]] + list(ERRORS[6]):
        words[kind >> 5] &= ~(1 << (kind & 31)) & 0xffffffff
    return struct.pack('8I', *words)
