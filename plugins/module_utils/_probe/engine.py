# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run probes concurrently: ICMP echo over raw sockets, TCP connects, all in one poll loop.

No subprocess and no ``ping`` binary. Sockets come from ``open_socket(ref, family, type, proto)``
(the netlink session opens them inside the probe's source namespace; a socket stays bound to the
namespace it was made in), so probes from many namespaces run side by side and a whole matrix
takes about one timeout. ICMP probes of one (namespace, family) share one raw socket; each
probe has its own echo identifier, each request its own sequence number.

The only kernel contact is through the sockets ``open_socket`` returns; the clock and the poll
object can be replaced, so the scheduling is tested without a kernel.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import random
import select
import socket
import time

from ansible_collections.netvirt.linux.plugins.module_utils._probe import icmp

INTERVAL = 0.2          # seconds between the echo requests of one probe (ping -i 0.2)
TCP_WINDOW = 256        # TCP probes connecting at the same time at most
SOL_RAW = 255
ICMP_FILTER = 1
ICMP6_FILTER = 1
_FAMILY = {4: socket.AF_INET, 6: socket.AF_INET6}
_PROTO = {4: socket.IPPROTO_ICMP, 6: getattr(socket, 'IPPROTO_ICMPV6', 58)}
_RETRY = (errno.EAGAIN, errno.EWOULDBLOCK, errno.ENOBUFS, errno.EINTR)


class Probe(object):
    """One probe: from namespace ``ref`` to ``address`` (``family`` 4 or 6) by ``protocol``
    ('icmp' or 'tcp', with ``port``). ``count`` echo requests (ICMP) or one connect (TCP), each
    answer awaited at most ``timeout`` seconds. The outcome fields are filled by ``run``."""

    def __init__(self, ref, address, family, protocol='icmp', port=None, count=1, timeout=1.0, interval=INTERVAL,
                 keep_rtts=False):
        self.ref = ref
        self.keep_rtts = keep_rtts   # the outcome lists every RTT (rtts_ms), not only the least
        self.interval = interval   # seconds between the echo requests
        self.address = address
        self.family = family
        self.protocol = protocol
        self.port = port
        self.count = count
        self.timeout = timeout
        # outcome
        self.status = None      # reply | timeout | error | open | refused
        self.reachable = None
        self.detail = None
        self.sent = 0
        self.received = 0
        self.rtt = []           # seconds
        # bookkeeping
        self.ident = None
        self.sent_at = {}
        self.next_seq = 0
        self.deadline = None
        self.sock = None
        self.sock_key = None
        self.started = None
        self.error = None

    def outcome(self):
        out = {'status': self.status, 'reachable': self.reachable, 'detail': self.detail}
        if self.protocol == 'icmp':
            out['sent'] = self.sent
            out['received'] = self.received
        out['rtt_ms'] = round(min(self.rtt) * 1000.0, 3) if self.rtt else None
        if self.keep_rtts:
            out['rtts_ms'] = [round(r * 1000.0, 3) for r in self.rtt]
        return out


def _seconds(value):
    return ('%g' % value) + 's'


class Engine(object):
    """One run of a list of probes. ``run()`` returns when every probe has an outcome."""

    def __init__(self, probes, open_socket, clock=time.monotonic, poller=None, ident_base=None):
        self.probes = probes
        self.open_socket = open_socket
        self.clock = clock
        self.poller = poller if poller is not None else select.poll()
        self.ident_base = random.randint(0, 0xffff) if ident_base is None else ident_base
        self.raw = {}            # (ref, family) -> socket
        self.by_fd = {}          # fd -> ('raw', family, {ident: probe}) or ('tcp', probe)
        self.pending_tcp = []
        self.open_tcp = 0

    # -- sockets ----------------------------------------------------------------------------
    def _raw_socket(self, ref, family):
        key = (ref, family)
        if key not in self.raw:
            sock = self.open_socket(ref, _FAMILY[family], socket.SOCK_RAW, _PROTO[family])
            sock.setblocking(False)
            try:
                if family == 4:
                    sock.setsockopt(SOL_RAW, ICMP_FILTER, icmp.ipv4_filter())
                else:
                    sock.setsockopt(_PROTO[6], ICMP6_FILTER, icmp.ipv6_filter())
            except (OSError, socket.error):   # a filter only saves work; matching does the rest
                pass
            self.raw[key] = sock
            self.by_fd[sock.fileno()] = ('raw', family, {}, sock)
            self.poller.register(sock.fileno(), select.POLLIN)
        return self.raw[key]

    def close(self):
        for sock in self.raw.values():
            sock.close()
        self.raw = {}
        for probe in self.probes:
            if probe.sock is not None:
                probe.sock.close()
                probe.sock = None

    # -- ICMP -------------------------------------------------------------------------------
    def _start_icmp(self, probe, index, now):
        sock = self._raw_socket(probe.ref, probe.family)
        probe.ident = (self.ident_base + index) & 0xffff
        probe.sock_key = (probe.ref, probe.family)
        self.by_fd[sock.fileno()][2][probe.ident] = probe
        probe.started = now
        probe.deadline = now + (probe.count - 1) * probe.interval + probe.timeout

    def _send_due(self, now):
        for probe in self.probes:
            if probe.protocol != 'icmp' or probe.status is not None:
                continue
            while probe.next_seq < probe.count and now >= probe.started + probe.next_seq * probe.interval:
                seq = probe.next_seq + 1
                sock = self.raw[probe.sock_key]
                packet = icmp.echo_request(probe.family, probe.ident, seq, b'netvirt.linux reachability')
                try:
                    sock.sendto(packet, (probe.address, 0))
                except (OSError, socket.error) as exc:
                    if exc.errno in _RETRY:
                        break     # try again at the next turn of the loop
                    self._finish(probe, 'error', False, '%s (sending the echo request)' % _strerror(exc.errno))
                    break
                probe.sent_at[seq] = now
                probe.sent += 1
                probe.next_seq += 1

    def _read_raw(self, family, owners, sock, now):
        while True:
            try:
                data, source = sock.recvfrom(65535)
            except (OSError, socket.error) as exc:
                if exc.errno in _RETRY:
                    return
                raise
            now = self.clock()
            parsed = icmp.parse(family, data)
            if parsed is None:
                continue
            kind, ident, seq, text = parsed
            probe = owners.get(ident)
            if probe is None or probe.status is not None or seq not in probe.sent_at:
                continue
            if kind == 'reply':
                if source[0] != probe.address and _norm(source[0]) != _norm(probe.address):
                    continue
                probe.received += 1
                probe.rtt.append(now - probe.sent_at.pop(seq))
                if probe.next_seq >= probe.count and not probe.sent_at:
                    self._icmp_done(probe)     # every request answered: no need to wait
            else:
                probe.error = '%s (ICMP from %s)' % (text, source[0])

    def _icmp_done(self, probe):
        if probe.received:
            detail = '%d/%d replies, rtt %.3f ms' % (probe.received, probe.sent, min(probe.rtt) * 1000.0)
            self._finish(probe, 'reply', True, detail)
        elif probe.error:
            self._finish(probe, 'error', False, probe.error)
        else:
            self._finish(probe, 'timeout', False, 'no reply to %d echo request%s, timeout %s'
                         % (probe.sent, '' if probe.sent == 1 else 's', _seconds(probe.timeout)))

    # -- TCP --------------------------------------------------------------------------------
    def _start_tcp(self, probe, now):
        probe.started = now
        probe.deadline = now + probe.timeout
        sock = self.open_socket(probe.ref, _FAMILY[probe.family], socket.SOCK_STREAM, 0)
        probe.sock = sock
        sock.setblocking(False)
        code = sock.connect_ex((probe.address, probe.port))
        if code in (0, errno.EINPROGRESS, errno.EAGAIN):
            self.by_fd[sock.fileno()] = ('tcp', probe)
            self.poller.register(sock.fileno(), select.POLLOUT)
            self.open_tcp += 1
            if code == 0:
                self._tcp_result(probe, 0, now)
            return
        self._tcp_result(probe, code, now, registered=False)

    def _tcp_result(self, probe, code, now, registered=True):
        if probe.status is not None:
            return
        if registered:
            self.poller.unregister(probe.sock.fileno())
            del self.by_fd[probe.sock.fileno()]
            self.open_tcp -= 1
        if code == 0:
            probe.rtt.append(now - probe.started)
            self._finish(probe, 'open', True, 'connected to port %d in %.3f ms' % (probe.port, (now - probe.started) * 1000.0))
        elif code == errno.ECONNREFUSED:
            self._finish(probe, 'refused', False, 'connection refused (port %d closed)' % probe.port)
        else:
            self._finish(probe, 'error', False, _strerror(code))

    # -- the loop ---------------------------------------------------------------------------
    def _finish(self, probe, status, reachable, detail):
        probe.status = status
        probe.reachable = reachable
        probe.detail = detail
        if probe.sock is not None:
            probe.sock.close()
            probe.sock = None

    def _timeouts(self, now):
        for probe in self.probes:
            if probe.status is not None or probe.deadline is None or now < probe.deadline:
                continue
            if probe.protocol == 'icmp':
                self._icmp_done(probe)
            else:
                self.poller.unregister(probe.sock.fileno())
                del self.by_fd[probe.sock.fileno()]
                self.open_tcp -= 1
                self._finish(probe, 'timeout', False, 'no answer to the connection request, timeout %s'
                             % _seconds(probe.timeout))

    def _start_tcp_due(self, now):
        while self.pending_tcp and self.open_tcp < TCP_WINDOW:
            self._start_tcp(self.pending_tcp.pop(0), now)

    def _next_wakeup(self, now):
        times = []
        for probe in self.probes:
            if probe.status is not None:
                continue
            if probe.deadline is not None:
                times.append(probe.deadline)
            if probe.protocol == 'icmp' and probe.next_seq < probe.count:
                times.append(probe.started + probe.next_seq * probe.interval)
        if not times:
            return 0
        return max(0, min(times) - now)

    def _handle(self, events):
        now = self.clock()
        for fd, _event in events:
            entry = self.by_fd.get(fd)
            if entry is None:
                continue
            if entry[0] == 'raw':
                self._read_raw(entry[1], entry[2], entry[3], now)
            else:
                probe = entry[1]
                code = probe.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                self._tcp_result(probe, code, now)

    def run(self):
        try:
            now = self.clock()
            for index, probe in enumerate(self.probes):
                if probe.protocol == 'icmp':
                    self._start_icmp(probe, index, now)
                else:
                    self.pending_tcp.append(probe)
            self._start_tcp_due(now)
            while any(p.status is None for p in self.probes):
                self._send_due(self.clock())
                # read whatever is already there before deciding that a probe timed out, so that a
                # busy machine that ran this process late does not turn a queued reply into a timeout
                self._handle(self.poller.poll(0))
                now = self.clock()
                self._timeouts(now)
                self._start_tcp_due(now)
                if all(p.status is not None for p in self.probes):
                    break
                wait = self._next_wakeup(self.clock())
                self._handle(self.poller.poll(int(wait * 1000) + 1))
            return [p.outcome() for p in self.probes]
        finally:
            self.close()


def _strerror(code):
    text = os.strerror(code)
    return text[:1].lower() + text[1:]


def _norm(address):
    try:
        return socket.inet_pton(socket.AF_INET6 if ':' in address else socket.AF_INET, address.split('%')[0])
    except (OSError, socket.error, ValueError):
        return address


def run(probes, open_socket, **kwargs):
    """Run ``probes`` (a list of Probe) and return their outcomes, in order."""
    return Engine(probes, open_socket, **kwargs).run()
