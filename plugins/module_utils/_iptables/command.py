# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running the iptables binaries inside a network namespace, without a shell and without
nsenter: the calling thread enters the namespace with setns(2) (Session.entered), the child
process is forked from that thread and so is born inside it, and the thread goes home.

Also: the throwaway namespace used to let iptables canonicalise rules (``scratch``), and the
per-namespace lock that makes observe + plan + apply one step for concurrent runs.
No pyroute2 here.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import ctypes
import fcntl
import os
import subprocess

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import session as session_mod

CLONE_NEWNET = 0x40000000
LOCK_DIR = '/run/netvirt'
SEARCH_PATH = ('/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin')


def _call(name, *args):
    if getattr(session_mod.load_libc(), name)(*args) != 0:
        err = ctypes.get_errno()
        raise OSError(err, '%s: %s' % (name, os.strerror(err)))


def which(name):
    for folder in os.environ.get('PATH', '').split(os.pathsep) + list(SEARCH_PATH):
        path = os.path.join(folder, name)
        if folder and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def default_backend():
    """The backend plain `iptables` uses on this host (Debian's alternatives): nft or legacy."""
    path = which('iptables')
    if path and 'legacy' in os.path.basename(os.path.realpath(path)):
        return 'legacy'
    return 'nft'


def binary(family, backend, tool):
    """e.g. (6, 'nft', 'save') -> ip6tables-nft-save."""
    return '%s-%s-%s' % ('iptables' if family == 4 else 'ip6tables', backend, tool)


class Runner(object):
    """Runs commands in one namespace (or in the scratch one) and remembers what it ran."""

    def __init__(self, session, ref):
        self.session = session
        self.ref = ref
        self.log = []
        self._scratch = None
        self._home = None

    def _exec(self, argv, stdin):
        path = which(argv[0])
        if path is None:
            raise OSError(2, '%s not found (install the iptables package)' % argv[0])
        proc = subprocess.run([path] + list(argv[1:]), input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, check=False, close_fds=True)
        return proc.returncode, proc.stdout, proc.stderr

    def run(self, argv, stdin=None, where='target'):
        self.log.append('%s: %s' % (where, ' '.join(argv)))
        if where == 'scratch':
            with self._in_scratch():
                return self._exec(argv, stdin)
        with self.session.entered(self.ref):
            return self._exec(argv, stdin)

    def read_file(self, path):
        """A file read from inside the target namespace (/proc/thread-self/net/...); None if missing."""
        with self.session.entered(self.ref):
            try:
                handle = open(path, 'r')
            except (IOError, OSError):
                return None
        with handle:
            return handle.read()

    # -- the scratch namespace: a new, empty network namespace only this run knows ------------
    @contextlib.contextmanager
    def _in_scratch(self):
        if self._scratch is None:
            self._home = os.open('/proc/thread-self/ns/net', os.O_RDONLY | os.O_CLOEXEC)
            _call('unshare', CLONE_NEWNET)
            try:
                self._scratch = os.open('/proc/thread-self/ns/net', os.O_RDONLY | os.O_CLOEXEC)
            finally:
                _call('setns', self._home, CLONE_NEWNET)
        _call('setns', self._scratch, CLONE_NEWNET)
        try:
            yield
        finally:
            _call('setns', self._home, CLONE_NEWNET)

    def reset_scratch(self):
        """Drop the scratch namespace (the kernel frees it with its last reference)."""
        for fd in (self._scratch, self._home):
            if fd is not None:
                os.close(fd)
        self._scratch = self._home = None

    def close(self):
        self.reset_scratch()


class Lock(object):
    """An exclusive flock on a file named after the namespace's identity (device, inode), so two
    runs on one namespace (whatever name, path or PID they use for it) take turns for the whole
    observe -> plan -> apply, not just for the write."""

    def __init__(self, identity, folder=LOCK_DIR):
        self.path = os.path.join(folder, 'iptables-%s-%s.lock' % identity)
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
