# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Locks the collection takes on the host, under /run/netvirt (a tmpfs)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import fcntl
import os

LOCK_DIR = '/run/netvirt'


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
