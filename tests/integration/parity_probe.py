#!/usr/bin/env python
"""The servers and clients of the Docker-parity test (docker_parity.py), run inside one network namespace
each (`nsenter --net=NS python parity_probe.py ...`), the same program for Docker's containers and for the
role's, so both sides are measured the same way.

  parity_probe.py serve TCP_PORT UDP_PORT    answers every TCP connection and every UDP datagram with the
                                             address it came from (what the server "sees"), one line
  parity_probe.py probe JSON                 JSON: a list of [row_id, proto, address, port]; runs them all
                                             at once, prints {row_id: result}: "ok SOURCE" (SOURCE: what
                                             the server saw), "refused", "timeout", or "error ERRNO"
"""

import errno
import json
import select
import socket
import sys
import threading

TIMEOUT = 1.5


def serve(tcp_port, udp_port):
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(('0.0.0.0', tcp_port))
    tcp.listen(128)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(('0.0.0.0', udp_port))
    sys.stdout.write('ready\n')
    sys.stdout.flush()
    while True:
        ready, _w, _x = select.select([tcp, udp], [], [])
        for sock in ready:
            if sock is tcp:
                conn, peer = tcp.accept()
                try:
                    conn.sendall(('%s\n' % peer[0]).encode())
                except OSError:
                    pass
                conn.close()
            else:
                try:
                    _data, peer = udp.recvfrom(512)
                    udp.sendto(('%s\n' % peer[0]).encode(), peer)
                except OSError:
                    pass


def _one(proto, address, port):
    family = socket.AF_INET6 if ':' in address else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == 'tcp' else socket.SOCK_DGRAM
    sock = socket.socket(family, kind)
    sock.settimeout(TIMEOUT)
    try:
        sock.connect((address, port))
        if proto == 'udp':
            sock.send(b'probe\n')
        data = sock.recv(512)
        if not data:
            return 'closed'
        return 'ok %s' % data.decode().strip()
    except ConnectionRefusedError:
        return 'refused'
    except socket.timeout:
        return 'timeout'
    except OSError as exc:
        return 'error %s' % errno.errorcode.get(exc.errno, exc.errno)
    finally:
        sock.close()


def probe(spec):
    results = {}

    def run(row, proto, address, port):
        results[row] = _one(proto, address, int(port))

    threads = [threading.Thread(target=run, args=tuple(item)) for item in spec]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    json.dump(results, sys.stdout, sort_keys=True)
    sys.stdout.write('\n')


def main():
    if sys.argv[1] == 'serve':
        serve(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == 'probe':
        probe(json.loads(sys.argv[2]))
    else:
        sys.exit('usage: parity_probe.py serve TCP UDP | probe JSON')


if __name__ == '__main__':
    main()
