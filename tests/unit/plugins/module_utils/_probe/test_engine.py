# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The probe engine's scheduling with a fake network (fake sockets, clock and poller), and a TCP
connect over the test's own loopback."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import select
import socket
import struct

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._probe import engine, icmp


class FakeNet(object):
    """``answers[(ref, address)]``: 'reply', 'reply-late' (after 0.5 s), 'reply-twice', an ICMP error code
    (host unreachable), an errno raised by sendto, or missing: silence. ``tcp[(ref, address, port)]``:
    the SO_ERROR of the connect, or missing: silence."""

    def __init__(self, answers=None, tcp=None):
        self.answers = answers or {}
        self.tcp = tcp or {}
        self.now = 100.0
        self.sockets = {}
        self.next_fd = 10
        self.opened = []
        self.sent = []

    def clock(self):
        return self.now

    def open_socket(self, ref, family, kind, proto):
        self.next_fd += 1
        sock = (FakeRaw if kind == socket.SOCK_RAW else FakeTcp)(self, self.next_fd, ref, family)
        self.sockets[sock.fd] = sock
        self.opened.append((ref, family, kind, proto))
        return sock


class FakeSock(object):
    def __init__(self, net, fd, ref, family):
        self.net, self.fd, self.ref, self.family = net, fd, ref, family
        self.closed = False
        self.options = []

    def fileno(self):
        return self.fd

    def setblocking(self, flag):
        assert flag is False

    def setsockopt(self, *args):
        self.options.append(args)

    def close(self):
        self.closed = True


class FakeRaw(FakeSock):
    def __init__(self, *args):
        super(FakeRaw, self).__init__(*args)
        self.queue = []      # (due time, data, source)

    def sendto(self, packet, addr):
        address = addr[0]
        answer = self.net.answers.get((self.ref, address))
        self.net.sent.append((self.ref, address, struct.unpack('!HH', packet[4:8])))
        if isinstance(answer, int) and answer > 100:
            raise OSError(answer - 100, 'refused by the fake')
        fam = 4 if self.family == socket.AF_INET else 6
        ident, seq = struct.unpack('!HH', packet[4:8])
        reply = struct.pack('!BBHHH', icmp.ECHO_REPLY[fam], 0, 0, ident, seq)
        wrap = (lambda d: b'\x45' + b'\0' * 19 + d) if fam == 4 else (lambda d: d)
        if answer == 'reply':
            self.queue.append((self.net.now, wrap(reply), address))
        elif answer == 'reply-twice':
            self.queue.append((self.net.now, wrap(reply), address))
            self.queue.append((self.net.now, wrap(reply), address))   # a duplicate: counted once
        elif answer == 'reply-late':
            self.queue.append((self.net.now + 0.5, wrap(reply), address))
        elif answer == 'wrong-source':
            self.queue.append((self.net.now, wrap(reply), '10.9.9.9'))
        elif answer == 'unreachable':
            quoted = b'\x45' + b'\0' * 19 + packet
            self.queue.append((self.net.now, wrap(struct.pack('!BBHI', 3, 1, 0, 0) + quoted), '10.0.0.254'))

    def ready(self):
        return any(due <= self.net.now for due, _d, _s in self.queue)

    def due(self):
        return min([due for due, _d, _s in self.queue] or [None]) if self.queue else None

    def recvfrom(self, size):
        for item in self.queue:
            if item[0] <= self.net.now:
                self.queue.remove(item)
                return item[1], (item[2], 0)
        raise OSError(errno.EAGAIN, 'nothing')


class FakeTcp(FakeSock):
    def connect_ex(self, addr):
        self.key = (self.ref, addr[0], addr[1])
        return errno.EINPROGRESS

    def ready(self):
        return self.key in self.net.tcp

    def due(self):
        return None

    def getsockopt(self, level, name):
        assert (level, name) == (socket.SOL_SOCKET, socket.SO_ERROR)
        return self.net.tcp[self.key]


class FakePoller(object):
    """``late``: the process wakes up ``late`` seconds after the poll timeout, and what arrived in the
    meantime is only seen by the next poll (as on a busy machine)."""

    def __init__(self, net, late=0.0):
        self.net = net
        self.fds = {}
        self.calls = 0
        self.late = late

    def register(self, fd, events):
        assert fd not in self.fds
        self.fds[fd] = events

    def unregister(self, fd):
        del self.fds[fd]

    def poll(self, ms):
        self.calls += 1
        assert self.calls < 1000, 'the loop does not end'
        ready = [(fd, self.fds[fd]) for fd in self.fds if self.net.sockets[fd].ready()]
        if ready:
            return ready
        dues = [self.net.sockets[fd].due() for fd in self.fds]
        dues = [d for d in dues if d is not None and d > self.net.now]
        wake = self.net.now + ms / 1000.0
        if self.late:
            self.net.now = wake + self.late
            return []
        self.net.now = min([wake] + dues)
        return [(fd, self.fds[fd]) for fd in self.fds if self.net.sockets[fd].ready()]


def run(net, probes):
    outcomes = engine.run(probes, net.open_socket, clock=net.clock, poller=FakePoller(net), ident_base=0x100)
    return outcomes


def test_icmp_reply_timeout_and_error_in_one_run_of_about_one_timeout():
    net = FakeNet({('a', '10.0.0.2'): 'reply', ('a', '10.0.0.4'): 'unreachable', ('b', '10.0.0.1'): 'reply-late'})
    probes = [engine.Probe('a', '10.0.0.2', 4), engine.Probe('a', '10.0.0.3', 4),
              engine.Probe('a', '10.0.0.4', 4), engine.Probe('b', '10.0.0.1', 4)]
    out = run(net, probes)
    assert [o['status'] for o in out] == ['reply', 'timeout', 'error', 'reply']
    assert [o['reachable'] for o in out] == [True, False, False, True]
    assert out[1]['detail'] == 'no reply to 1 echo request, timeout 1s'
    assert out[2]['detail'] == 'host unreachable (ICMP from 10.0.0.254)'
    assert out[3]['rtt_ms'] == 500.0
    assert out[0]['sent'] == out[0]['received'] == 1
    # one raw socket per (namespace, family), with the ICMP filter set; all closed at the end
    assert net.opened == [('a', socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
                          ('b', socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)]
    assert all(s.closed for s in net.sockets.values())
    assert net.sockets[11].options == [(engine.SOL_RAW, engine.ICMP_FILTER, icmp.ipv4_filter())]
    # each probe has its own identifier
    assert sorted(ident for _ref, _addr, (ident, _seq) in net.sent) == [0x100, 0x101, 0x102, 0x103]
    # concurrently: the whole run took one timeout, not four
    assert net.now == pytest.approx(101.0, abs=0.002)


def test_count_sends_requests_apart_and_stops_when_all_are_answered():
    net = FakeNet({('a', '10.0.0.2'): 'reply'})
    out = run(net, [engine.Probe('a', '10.0.0.2', 4, count=3)])
    assert out[0]['status'] == 'reply'
    assert (out[0]['sent'], out[0]['received']) == (3, 3)
    assert [seq for _r, _a, (_i, seq) in net.sent] == [1, 2, 3]
    assert net.now == pytest.approx(100.0 + 2 * engine.INTERVAL, abs=0.002)   # no waiting once every reply is in


def test_count_timeout_is_after_the_last_request():
    net = FakeNet()
    out = run(net, [engine.Probe('a', '10.0.0.2', 4, count=3, timeout=0.5)])
    assert out[0]['detail'] == 'no reply to 3 echo requests, timeout 0.5s'
    assert net.now == pytest.approx(100.0 + 2 * engine.INTERVAL + 0.5, abs=0.002)


def test_duplicate_replies_and_replies_from_elsewhere_are_not_counted():
    net = FakeNet({('a', '10.0.0.2'): 'reply-twice', ('a', '10.0.0.3'): 'wrong-source'})
    out = run(net, [engine.Probe('a', '10.0.0.2', 4), engine.Probe('a', '10.0.0.3', 4)])
    assert (out[0]['received'], out[0]['status']) == (1, 'reply')
    assert (out[1]['received'], out[1]['status']) == (0, 'timeout')


def test_a_reply_queued_while_the_process_slept_is_read_before_the_timeout_is_decided():
    net = FakeNet({('a', '10.0.0.2'): 'reply-late'})      # the reply arrives 0.5 s after the request
    out = engine.run([engine.Probe('a', '10.0.0.2', 4, timeout=0.6)], net.open_socket, clock=net.clock,
                     poller=FakePoller(net, late=0.3), ident_base=1)
    assert out[0]['status'] == 'reply'


def test_sendto_failure_ends_the_probe_at_once():
    net = FakeNet({('a', '10.0.0.2'): 100 + errno.ENETUNREACH})
    out = run(net, [engine.Probe('a', '10.0.0.2', 4, count=3)])
    assert out[0]['status'] == 'error'
    assert out[0]['detail'] == 'network is unreachable (sending the echo request)'
    assert net.now == 100.0


def test_ipv6_uses_an_icmpv6_socket_with_its_filter():
    net = FakeNet({('a', 'fd00::2'): 'reply'})
    out = run(net, [engine.Probe('a', 'fd00::2', 6), engine.Probe('a', '10.0.0.2', 4)])
    assert out[0]['status'] == 'reply'
    assert out[1]['status'] == 'timeout'
    assert (socket.AF_INET6, socket.SOCK_RAW, 58) in [o[1:] for o in net.opened]
    six = [s for s in net.sockets.values() if s.family == socket.AF_INET6][0]
    assert six.options == [(58, engine.ICMP6_FILTER, icmp.ipv6_filter())]


def test_tcp_open_refused_unreachable_and_timeout():
    net = FakeNet(tcp={('a', '10.0.0.2', 80): 0, ('a', '10.0.0.2', 81): errno.ECONNREFUSED,
                       ('a', '10.0.0.5', 80): errno.EHOSTUNREACH})
    probes = [engine.Probe('a', '10.0.0.2', 4, 'tcp', 80), engine.Probe('a', '10.0.0.2', 4, 'tcp', 81),
              engine.Probe('a', '10.0.0.5', 4, 'tcp', 80), engine.Probe('a', '10.0.0.6', 4, 'tcp', 80, timeout=2)]
    out = run(net, probes)
    assert [o['status'] for o in out] == ['open', 'refused', 'error', 'timeout']
    assert [o['reachable'] for o in out] == [True, False, False, False]
    assert out[1]['detail'] == 'connection refused (port 81 closed)'
    assert out[2]['detail'] == 'no route to host'
    assert out[3]['detail'] == 'no answer to the connection request, timeout 2s'
    assert 'sent' not in out[0]
    assert all(s.closed for s in net.sockets.values())
    assert net.now == pytest.approx(102.0, abs=0.002)


def test_tcp_window_limits_open_connections(monkeypatch):
    monkeypatch.setattr(engine, 'TCP_WINDOW', 2)
    net = FakeNet(tcp=dict((('a', '10.0.0.2', port), 0) for port in range(1, 6)))
    out = run(net, [engine.Probe('a', '10.0.0.2', 4, 'tcp', port) for port in range(1, 6)])
    assert [o['status'] for o in out] == ['open'] * 5
    assert len(net.opened) == 5


def test_no_probes_returns_at_once():
    assert run(FakeNet(), []) == []


def test_real_tcp_connect_over_loopback():
    """The engine on real sockets (the test's own loopback): an open and a closed port."""
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(4)
    closed = socket.socket()
    closed.bind(('127.0.0.1', 0))      # bound but not listening: the kernel answers with a reset
    try:
        opened = []

        def open_socket(ref, family, kind, proto):
            opened.append(ref)
            return socket.socket(family, kind, proto)
        probes = [engine.Probe('x', '127.0.0.1', 4, 'tcp', server.getsockname()[1], timeout=2),
                  engine.Probe('x', '127.0.0.1', 4, 'tcp', closed.getsockname()[1], timeout=2)]
        out = engine.run(probes, open_socket, poller=select.poll())
        assert [o['status'] for o in out] == ['open', 'refused']
        assert opened == ['x', 'x']
    finally:
        server.close()
        closed.close()
