# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The top of the house: the one place that wires observe -> plan -> apply/check -> result, opens
the netlink session and hands the kernel-side floors to the kinds (``Io``, as ``ctx.io``).

The Kind contract is in ``_vocab.kind``. There is one path: check mode runs the same observe and
plan and only skips the apply; in its place a kind may ``check`` what the apply would refuse
(iptables: rules the kernel checks only at the commit), without changing anything. ``close`` runs
in a ``finally`` on every path, so a lock or socket a kind took is let go even when a step fails.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import platform
import sys

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import loader
from ansible_collections.netvirt.linux.plugins.module_utils._netlink.apply import explain
from ansible_collections.netvirt.linux.plugins.module_utils._netlink.session import Session
from ansible_collections.netvirt.linux.plugins.module_utils._runner.hostio import Io
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context

PYROUTE2_URL = 'https://pypi.org/project/pyroute2/'
INSTALL_HINT = ('To install it for that Python: pip install "pyroute2>=%s", or the distribution\'s python3-pyroute2 '
                'where it is %s or newer (Debian 12: 0.7.2; Ubuntu 22.04\'s 0.6.4 is too old).')


def pyroute2_problem():
    """The message for a managed host without a usable pyroute2 (missing, or older than supported), or None."""
    needed = loader.PYROUTE2_MIN_VERSION
    if loader.HAS_PYROUTE2:
        return None
    if loader.PYROUTE2_TOO_OLD:
        return ('pyroute2 %s on %s\'s Python %s is too old: netvirt.linux needs pyroute2 %s or newer. '
                'Upgrade it for that Python: pip install "pyroute2>=%s" (Ubuntu 22.04\'s python3-pyroute2 is 0.6.4, '
                'Debian 12\'s is 0.7.2), or set ansible_python_interpreter to a Python that has pyroute2 %s or newer.'
                % (loader.PYROUTE2_VERSION, platform.node(), sys.executable, needed, needed, needed))
    return missing_required_lib('pyroute2', url=PYROUTE2_URL) + '. ' + INSTALL_HINT % (needed, needed)


def lock_timeout(env=None):
    """Seconds a run waits for the namespaces it changes: NETVIRT_LOCK_TIMEOUT, else 120."""
    env = os.environ if env is None else env
    text = env.get('NETVIRT_LOCK_TIMEOUT')
    try:
        value = float(text) if text else None
    except ValueError:
        value = None
    from ansible_collections.netvirt.linux.plugins.module_utils._host import lock  # pylint: disable=import-outside-toplevel
    return value if value is not None and value >= 0 else lock.DEFAULT_TIMEOUT


def hold_namespaces(kind, desired, session, ctx, module):
    """Lock the namespaces the kind may change (``Kind.locks``), each by name or identity; a wait
    past the timeout fails naming the namespace and the run that holds it."""
    refs = list(kind.locks(desired)) + list(kind.recorded_locks(desired, ctx.io))
    if not refs:
        return None
    lock = ctx.io.lock
    keys = [lock.netns_key(ref, session.identity) for ref in refs]
    if len(keys) > 64:
        ctx.io.process.raise_fd_limit()     # a lock is an open file: a large topology holds one per namespace
    held = lock.Held(keys, timeout=lock_timeout(), holder=getattr(module, '_name', '') or type(kind).__name__)
    try:
        return held.acquire()
    except lock.LockTimeout as exc:
        raise NetvirtError("option netns: %s is being changed by another run (%s) and was not let go within %g s; "
                           "it is let go when that run ends (set NETVIRT_LOCK_TIMEOUT to wait longer)"
                           % (exc.what(), exc.holder or 'its holder did not say who it is', exc.timeout), option='netns')


def argument_spec(kind):
    return kind.options()


def run(kind, module=None):
    if module is None:
        module = AnsibleModule(argument_spec=argument_spec(kind), supports_check_mode=True,
                               **kind.module_kwargs)
    if kind.needs_pyroute2 and not loader.HAS_PYROUTE2:
        module.fail_json(msg=pyroute2_problem(), exception=loader.PYROUTE2_IMPORT_ERROR)
    ctx = Context(module.check_mode, module._diff)
    plan = None
    try:
        desired = kind.desired(module.params)
        with Session() as session:
            ctx.io = Io(session, run_command=getattr(module, 'run_command', None))
            held = None
            try:
                held = hold_namespaces(kind, desired, session, ctx, module)
                observed = kind.observe(session, desired, ctx)
                plan = kind.plan(desired, observed, ctx)
                if plan.actions and module.check_mode:
                    kind.check(session, plan, ctx)
                elif plan.actions:
                    kind.apply(session, plan, ctx)
                result = kind.result(desired, observed, plan, ctx)
                if plan.changed and not module.check_mode:
                    result.update(kind.read_back(session, desired, observed, ctx))
            finally:
                try:
                    kind.close(ctx)
                finally:
                    if held is not None:
                        held.release()
    except NetvirtError as exc:
        extra = {}
        if plan is not None:
            extra['actions'] = plan.descriptions()
        extra.update(getattr(exc, 'result', None) or {})   # what a kind reports along with its failure
        for text in ctx.warnings:
            module.warn(text)
        module.fail_json(msg=exc.msg, **extra)
    except loader.NetlinkError as exc:
        code = getattr(exc, 'code', None)
        module.fail_json(msg='reading the network state failed: %s (errno %s)' % (explain(code, None), code))
    except (IOError, OSError) as exc:
        # e.g. setns(2) refused without CAP_SYS_ADMIN, or /proc not mounted
        where = getattr(exc, 'filename', None)
        module.fail_json(msg='reading the network state failed%s: %s (errno %s)'
                         % (': %s' % where if where else '', explain(exc.errno, None), exc.errno))
    for text in ctx.warnings:
        module.warn(text)
    out = {'changed': plan.changed, 'actions': plan.descriptions()}
    if module._diff:
        out['diff'] = plan.diff()
    out.update(result)
    module.exit_json(**out)
