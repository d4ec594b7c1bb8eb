# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running the iptables binaries inside a network namespace, without a shell and without
nsenter: the calling thread enters the namespace with setns(2) (Session.entered), the child
process is forked from that thread and so is born inside it, and the thread goes home.

Also: the throwaway namespace used to let iptables canonicalise rules (``scratch``; made and
entered through the session, ``Session.unshared``). The per-namespace lock that makes observe +
plan + apply one step for concurrent runs is ``_host.lock``. No pyroute2 here.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import os
import subprocess


SEARCH_PATH = ('/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin')


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


class Runner(object):
    """Runs commands in one namespace (or in the scratch one) and remembers what it ran."""

    def __init__(self, session, ref):
        self.session = session
        self.ref = ref
        self.log = []
        self._scratch = None

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
            self._scratch = self.session.unshared()
        with self.session.entered_fd(self._scratch):
            yield

    def reset_scratch(self):
        """Drop the scratch namespace (the kernel frees it with its last reference)."""
        if self._scratch is not None:
            os.close(self._scratch)
        self._scratch = None

    def close(self):
        self.reset_scratch()
