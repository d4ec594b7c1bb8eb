# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The boot-time replay of a persisted state (option ``persist``), without Ansible.

``netvirt-replay KIND NAME`` (the script ``_state.persist`` installs under /usr/local/lib/netvirt,
run by the unit ``netvirt-KIND-NAME.service``) reads ``/etc/netvirt/persist/KIND-NAME.json`` and
runs the kind the way the module does (desired -> observe -> plan -> apply, one Session, ``close``
in a finally): what is already there is left alone, what is missing is made. It writes what it
does to stdout (the journal, under the unit), one line per action; a state that cannot be applied
is written to stderr with the message naming the option and the object, and the exit status is 1
(the unit fails visibly). It never touches the persistence files themselves.

Nothing here, nor in what it imports, imports Ansible: the host needs Python, pyroute2 and the
tools a kind runs (iptables).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import sys

from ansible_collections.netvirt.linux.plugins.module_utils._host import persist as host_persist
from ansible_collections.netvirt.linux.plugins.module_utils._netlink import loader
from ansible_collections.netvirt.linux.plugins.module_utils._netlink.apply import explain
from ansible_collections.netvirt.linux.plugins.module_utils._netlink.session import Session
from ansible_collections.netvirt.linux.plugins.module_utils._runner.hostio import Io
from ansible_collections.netvirt.linux.plugins.module_utils._state import persist
from ansible_collections.netvirt.linux.plugins.module_utils._state.iptables import IptablesKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.topology import TopologyKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context

# The kinds whose state can be persisted: KIND of the state file -> the kind class.
KINDS = {'topology': TopologyKind, 'iptables': IptablesKind}

USAGE = 'usage: netvirt-replay KIND NAME  (KIND: %s); replays %s/KIND-NAME.json' % (
    ', '.join(sorted(KINDS)), persist.STATE_DIR)


class Failed(Exception):
    """The replay could not be done: ``msg``, and the exit status."""

    def __init__(self, msg, status=1):
        Exception.__init__(self, msg)
        self.msg = msg
        self.status = status


def load(kind, name, host=host_persist):
    """The params of the owner's state file (Failed when missing, unreadable or not its own)."""
    if kind not in KINDS:
        raise Failed('unknown kind %r: %s' % (kind, USAGE), 2)
    if not name or name.startswith('.') or not all(c.isalnum() or c in '_.-' for c in name):
        raise Failed('name %r: letters, digits, _ . - only: %s' % (name, USAGE), 2)
    path = persist.state_path(kind, name)
    try:
        seen = host.read(path)
    except (IOError, OSError) as exc:
        raise Failed('%s: %s' % (path, exc.strerror or exc), 2)
    if seen is None:
        raise Failed('%s is missing: nothing to replay (set persist: true again, or disable %s)'
                     % (path, persist.unit_name(kind, name)), 2)
    if seen['type'] != 'file' or seen['content'] is None:
        raise Failed('%s is not a text file' % path, 2)
    try:
        return persist.read_state(seen['content'], kind, name, path)
    except NetvirtError as exc:
        raise Failed(exc.msg, 2)


def replay(kind_name, name, params, out, session_class=Session, io_class=Io):
    """Run the kind on ``params`` for real (no check mode); write each action to ``out`` as it is
    planned. Returns the Plan. NetvirtError, NetlinkError and OSError go up."""
    kind = KINDS[kind_name]()
    kind.replaying = True       # the persistence files are not the replay's to change
    ctx = Context(False, False)
    desired = kind.desired(params)
    with session_class() as session:
        ctx.io = io_class(session)
        try:
            observed = kind.observe(session, desired, ctx)
            plan = kind.plan(desired, observed, ctx)
            for text in ctx.warnings:
                out('warning: %s' % text)
            if not plan.actions:
                out('nothing to change: the state is already there')
                return plan
            out('%d actions:' % len(plan.actions))
            for text in plan.descriptions():
                out('  %s' % text)
            kind.apply(session, plan, ctx)
        finally:
            kind.close(ctx)
    out('applied')
    return plan


def main(argv=None, stdout=None, stderr=None, host=host_persist, session_class=Session, io_class=Io):
    """``netvirt-replay KIND NAME``: 0 when the state is there (made now or already), 1 when it
    cannot be applied (the message names the option and the object), 2 for a usage or state file
    problem."""
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if len(argv) != 2:
        stderr.write(USAGE + '\n')
        return 2
    kind, name = argv
    prefix = 'netvirt-replay: %s %s: ' % (kind, name)

    def out(text):
        stdout.write(prefix + text + '\n')
        stdout.flush()

    def fail(text, status):
        stderr.write(prefix + 'FAILED: ' + text + '\n')
        stderr.flush()
        return status

    if not loader.HAS_PYROUTE2:
        return fail('pyroute2 (%s or newer) is not importable by %s: %s'
                    % (loader.PYROUTE2_MIN_VERSION, sys.executable,
                       'too old: %s' % loader.PYROUTE2_VERSION if loader.PYROUTE2_TOO_OLD else 'missing'), 1)
    try:
        params = load(kind, name, host)
        out('replaying %s' % persist.state_path(kind, name))
        replay(kind, name, params, out, session_class, io_class)
    except Failed as exc:
        return fail(exc.msg, exc.status)
    except NetvirtError as exc:
        return fail(exc.msg, 1)
    except loader.NetlinkError as exc:
        code = getattr(exc, 'code', None)
        return fail('netlink: %s (errno %s)' % (explain(code, None), code), 1)
    except (IOError, OSError) as exc:
        where = getattr(exc, 'filename', None)
        return fail('%s%s (errno %s)' % ('%s: ' % where if where else '', explain(exc.errno, None), exc.errno), 1)
    return 0
