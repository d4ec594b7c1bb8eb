# -*- coding: utf-8 -*-
"""The namespace locks the runner holds for the modules that change state (_host/lock.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import subprocess
import sys

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._host import lock


def no_identity(ref):
    return None


@pytest.mark.parametrize('ref, key', [
    ('ns1', 'netns-name-ns1'),
    ('/run/netns/ns1', 'netns-name-ns1'),            # one namespace, one lock, however it is named
    ('/var/run/netns/ns1', 'netns-name-ns1'),
    (None, 'netns-4-4026531840'),
    ('1234', 'netns-4-4026532001'),
    ('/proc/1/ns/net', 'netns-4-4026532001'),
    ('/run/netns/sub/x', 'netns-4-4026532001'),
])
def test_a_named_namespace_is_locked_by_name_others_by_identity(ref, key):
    ids = {None: (4, 4026531840)}
    assert lock.netns_key(ref, lambda r: ids.get(r, (4, 4026532001))) == key


def test_a_path_that_is_no_namespace_has_no_lock():
    assert lock.netns_key('/proc/999999/ns/net', no_identity) is None


def test_held_takes_each_lock_once_in_order_and_says_who_holds_it(tmp_path):
    held = lock.Held(['netns-name-b', 'netns-name-a', None, 'netns-name-b'], holder='netvirt.linux.bridge',
                     folder=str(tmp_path)).acquire()
    try:
        assert held.keys == ['netns-name-a', 'netns-name-b']
        text = (tmp_path / 'netns-name-a.lock').read_text()
        assert text.startswith('pid %d: netvirt.linux.bridge, since ' % os.getpid())
    finally:
        held.release()
    assert held.fds == []


HOLDER = '''
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
os.write(fd, b'pid %d: netvirt.linux.topology, since then\\n' % os.getpid())
print('held', flush=True)
time.sleep(30)
'''


def test_a_wait_past_the_timeout_names_the_namespace_and_its_holder(tmp_path):
    proc = subprocess.Popen([sys.executable, '-c', HOLDER, str(tmp_path / 'netns-name-ns1.lock')],
                            stdout=subprocess.PIPE, universal_newlines=True)
    try:
        assert proc.stdout.readline().strip() == 'held'
        waits = []
        clock = [0.0]

        def sleep(seconds):
            waits.append(seconds)
            clock[0] += seconds
        held = lock.Held(['netns-name-ns0', 'netns-name-ns1'], timeout=1.0, folder=str(tmp_path),
                         sleep=sleep, clock=lambda: clock[0])
        with pytest.raises(lock.LockTimeout) as err:
            held.acquire()
        assert err.value.what() == "namespace 'ns1'"
        assert err.value.holder == 'pid %d: netvirt.linux.topology, since then' % proc.pid
        assert 0.99 <= sum(waits) <= 1.3 and max(waits) <= 0.2     # a bounded wait, polled with backoff
        assert held.fds == []      # what it had taken (ns0) is let go
        again = lock.Held(['netns-name-ns0'], folder=str(tmp_path)).acquire()
        again.release()
    finally:
        proc.kill()
        proc.wait()


def test_a_lock_let_go_by_its_holder_is_taken(tmp_path):
    first = lock.Held(['netns-name-ns1'], folder=str(tmp_path)).acquire()
    second = lock.Held(['netns-name-ns1'], timeout=0.05, folder=str(tmp_path))
    with pytest.raises(lock.LockTimeout):
        second.acquire()
    first.release()
    second.acquire().release()
