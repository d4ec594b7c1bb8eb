# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Locks the collection takes on the host, under /run/netvirt (a tmpfs): the iptables lock of a
namespace (``Lock``), and the namespace locks every module that changes state holds from observe
to the end of its apply (``Held``, taken by the runner for the namespaces ``Kind.locks`` names)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import fcntl
import os
import time

LOCK_DIR = '/run/netvirt'


class Lock(object):
    """An exclusive flock on a file named after the namespace's identity (device, inode), so two
    runs on one namespace (whatever name, path or PID they use for it) take turns for the whole
    observe -> plan -> apply, not just for the write."""

    def __init__(self, identity, folder=None):
        self.path = os.path.join(folder or LOCK_DIR, 'iptables-%s-%s.lock' % identity)
        self.fd = None

    def acquire(self):
        folder = os.path.dirname(self.path)
        if not os.path.isdir(folder):
            try:
                os.makedirs(folder, 0o755)
            except OSError:
                if not os.path.isdir(folder):
                    raise
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def release(self):
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


# -- per-namespace locks of the modules that change state -------------------------------------
NETNS_DIRS = ('/run/netns/', '/var/run/netns/')
DEFAULT_TIMEOUT = 120.0


def netns_key(ref, identity):
    """The name of the lock of namespace ``ref`` (a name, a path, a PID or None), or None when
    there is nothing to lock (a path or PID that is no namespace). A named namespace is locked by
    its name, so that a run creating it and a run using it take turns; any other reference by the
    namespace's identity (``identity(ref)`` -> (dev, ino) or None)."""
    if ref is not None and not ('%s' % ref).isdigit():
        name = ref = '%s' % ref
        for folder in NETNS_DIRS:
            if ref.startswith(folder) and '/' not in ref[len(folder):]:
                name = ref[len(folder):]
        if '/' not in name:
            return 'netns-name-%s' % name
    ident = identity(ref)
    return None if ident is None else 'netns-%s-%s' % ident


class Held(object):
    """Exclusive flocks on /run/netvirt/KEY.lock for each key, taken in sorted order (so two runs
    that want some of the same namespaces never wait on each other in a circle), each within
    ``timeout`` seconds. The holder writes who it is into the file; a run that times out names it."""

    def __init__(self, keys, timeout=DEFAULT_TIMEOUT, holder='', folder=None, sleep=time.sleep,
                 clock=time.monotonic):
        self.keys = sorted(set(k for k in keys if k))
        self.timeout = timeout
        self.holder = holder
        self.folder = folder or LOCK_DIR    # read when made, so that a unit test can move it
        self.fds = []
        self._sleep = sleep
        self._clock = clock

    def acquire(self):
        if not self.keys:
            return self
        if not os.path.isdir(self.folder):
            try:
                os.makedirs(self.folder, 0o755)
            except OSError:
                if not os.path.isdir(self.folder):
                    raise
        deadline = self._clock() + self.timeout
        stamp = ('pid %d: %s, since %s\n' % (os.getpid(), self.holder,
                                             time.strftime('%Y-%m-%d %H:%M:%S'))).encode('utf-8')
        try:
            for key in self.keys:
                fd = os.open(os.path.join(self.folder, key + '.lock'), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                self.fds.append(fd)
                wait = 0.005
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except (IOError, OSError) as exc:
                        if exc.errno not in (errno.EAGAIN, errno.EACCES):
                            raise
                    if self._clock() >= deadline:
                        raise LockTimeout(key, self.timeout, _read(fd))
                    self._sleep(wait)
                    wait = min(wait * 2, 0.2)
                os.ftruncate(fd, 0)
                os.pwrite(fd, stamp, 0)
        except Exception:
            self.release()
            raise
        return self

    def release(self):
        while self.fds:
            fd = self.fds.pop()
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)


class LockTimeout(Exception):
    def __init__(self, key, timeout, holder):
        Exception.__init__(self, key)
        self.key, self.timeout, self.holder = key, timeout, holder.strip()

    def what(self):
        if self.key.startswith('netns-name-'):
            return "namespace '%s'" % self.key[len('netns-name-'):]
        return 'the namespace of lock %s' % self.key


def _read(fd):
    try:
        return os.pread(fd, 512, 0).decode('utf-8', 'replace')
    except OSError:
        return ''
