# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running nft inside a network namespace, and the ownership record of the tables made there.

``Nft(session, ref, spawn, which)`` runs the nft binary as an argument list with the calling thread
inside the namespace (``Session.entered``), so the child is born there; or inside a new, empty
namespace only this run knows (``Session.unshared``), where the task's tables are loaded to let nft
print them in its own canonical form. The process spawner is handed in by the runner (the one the
iptables tools use, ``_iptables.command.spawn``: fork + exec, no shell), so this floor imports
nothing of the collection. The module interpreter is a virtualenv's Python, where Debian's
python3-nftables binding cannot be imported: the binary is the interface.

``Record``: ``/run/netvirt/nftables/DEV-INO.json``, per namespace (its identity), per table the
fingerprints of the parts the task gave and of the same parts as nft printed them after this
collection wrote them: a part whose given and printed fingerprints both match needs no scratch
namespace to be compared (a run with nothing to change is one read).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import json
import os

RECORD_DIR = '/run/netvirt/nftables'


class Nft(object):
    """nft in one namespace (or in the scratch one); remembers what it ran (``log``)."""

    def __init__(self, session, ref, spawn, which):
        self.session = session
        self.ref = ref
        self._spawn = spawn
        self._which = which
        self._scratch = None
        self.log = []

    def available(self):
        return self._which('nft') is not None

    def run(self, args, stdin=None, where='target'):
        path = self._which('nft')
        if path is None:
            raise OSError(2, 'nft not found (install the nftables package)')
        self.log.append('%s: nft %s' % (where, ' '.join(args)))
        if where == 'scratch':
            with self._in_scratch():
                return self._spawn([path] + list(args), stdin)
        with self.session.entered(self.ref):
            return self._spawn([path] + list(args), stdin)

    def list_ruleset(self, where='target'):
        """The stateless listing (-s: no counter values, no element expiry), one read."""
        return self.run(['-s', 'list', 'ruleset'], where=where)

    def load(self, text, check=False, where='target'):
        """One transaction from stdin (all or nothing); ``check``: nft --check, nothing committed."""
        args = (['--check'] if check else []) + ['-f', '-']
        return self.run(args, text, where=where)

    @contextlib.contextmanager
    def _in_scratch(self):
        if self._scratch is None:
            self._scratch = self.session.unshared()
        with self.session.entered_fd(self._scratch):
            yield

    def reset_scratch(self):
        if self._scratch is not None:
            os.close(self._scratch)
        self._scratch = None

    def close(self):
        self.reset_scratch()


class Record(object):
    """The fingerprints of this collection's tables in one namespace (see the module docstring)."""

    def __init__(self, identity, folder=RECORD_DIR, write=None):
        # write(path, data): the host's record writer (_host.files.replace_json), handed in by the
        # runner's Io (this floor imports no other folder of its floor)
        self.write = write
        self.path = None
        if identity is not None:
            self.path = os.path.join(folder, '%d-%d.json' % tuple(identity))
        self.data = {}
        if self.path and os.path.exists(self.path):
            try:
                with open(self.path) as handle:
                    self.data = json.load(handle)
            except (IOError, OSError, ValueError):
                self.data = {}

    def get(self, key):
        return self.data.get(key) or {}

    def put(self, key, value):
        if value is None:
            self.data.pop(key, None)
        else:
            self.data[key] = value

    def save(self):
        if not self.path:
            return
        self.write(self.path, self.data)
