# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A TCP bulk transfer between two namespaces, in this process (no iperf on the managed host).

The listening socket is opened inside the namespace holding the target address, the sending
one inside the source namespace (``open_socket(ref, family, type, proto)``, as the probe engine
gets it: a socket stays bound to the namespace it was made in); one ``poll`` loop sends zeros
as fast as TCP takes them and reads them on the other side for ``seconds``. The rate is what
arrived: bytes read after the first one, over the time from the first byte to the last read,
so the connection's set-up and the socket buffers' first fill are not counted. The listener
takes a port the kernel chooses (port 0), so nothing already listening is disturbed.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import select
import socket
import time

CHUNK = 65536
_FAMILY = {4: socket.AF_INET, 6: socket.AF_INET6}
_RETRY = (errno.EAGAIN, errno.EWOULDBLOCK, errno.EINTR, errno.ENOBUFS)


class TransferError(Exception):
    pass


def transfer(open_socket, src_ref, dst_ref, address, family, seconds, timeout=3.0, clock=time.monotonic):
    """-> {'bytes', 'seconds', 'bits_per_second'}; raises TransferError with a reason."""
    af = _FAMILY[family]
    listener = open_socket(dst_ref, af, socket.SOCK_STREAM, 0)
    client = server = None
    poller = select.poll()
    try:
        listener.setblocking(False)
        try:
            listener.bind((address, 0))
        except (OSError, socket.error) as exc:
            raise TransferError('cannot listen on %s in the target namespace: %s' % (address, exc.strerror))
        listener.listen(1)
        port = listener.getsockname()[1]
        client = open_socket(src_ref, af, socket.SOCK_STREAM, 0)
        client.setblocking(False)
        code = client.connect_ex((address, port))
        if code not in (0, errno.EINPROGRESS, errno.EAGAIN):
            raise TransferError('connecting to %s failed: %s' % (address, _strerror(code)))
        poller.register(listener.fileno(), select.POLLIN)
        poller.register(client.fileno(), select.POLLOUT)
        zeros = bytearray(CHUNK)
        inbox = bytearray(4 * CHUNK)
        view = memoryview(inbox)
        started = clock()
        first = last = None
        total = counted = 0
        connected = False
        while True:
            now = clock()
            if first is None and now - started > timeout:
                raise TransferError('no data arrived within %gs (%s)' % (
                    timeout, 'connected' if connected else 'no TCP connection'))
            if first is not None and now - first >= seconds:
                break
            for fd, event in poller.poll(100):
                if fd == listener.fileno():
                    try:
                        server, _peer = listener.accept()
                    except (OSError, socket.error) as exc:
                        if exc.errno in _RETRY:
                            continue
                        raise
                    server.setblocking(False)
                    poller.unregister(listener.fileno())
                    poller.register(server.fileno(), select.POLLIN)
                elif fd == client.fileno():
                    if not connected:
                        err = client.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                        if err:
                            raise TransferError('connecting to %s port %d failed: %s' % (address, port, _strerror(err)))
                        connected = True
                    while True:
                        try:
                            if client.send(zeros) <= 0:
                                break
                        except (OSError, socket.error) as exc:
                            if exc.errno in _RETRY:
                                break
                            raise TransferError('sending failed: %s' % exc.strerror)
                elif server is not None and fd == server.fileno():
                    while True:
                        try:
                            got = server.recv_into(view)
                        except (OSError, socket.error) as exc:
                            if exc.errno in _RETRY:
                                break
                            raise TransferError('receiving failed: %s' % exc.strerror)
                        if not got:
                            raise TransferError('the connection was closed')
                        now = clock()
                        if first is None:
                            first = now
                        else:
                            counted += got
                        total += got
                        last = now
        elapsed = (last - first) if last is not None and first is not None else 0.0
        rate = counted * 8.0 / elapsed if elapsed > 0 else 0.0
        return {'bytes': total, 'seconds': round(elapsed, 3), 'bits_per_second': rate}
    finally:
        for sock in (client, server, listener):
            if sock is not None:
                sock.close()


def _strerror(code):
    text = os.strerror(code)
    return text[:1].lower() + text[1:]
