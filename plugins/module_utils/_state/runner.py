# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module wrapper: observe -> plan -> apply unless check mode -> exit_json.

A module hands one ``Kind`` to ``run``. A kind is a small class with four steps:

``desired(params)``                   validate and normalise the options (pure; ValidationError),
``observe(session, desired, ctx)``    read what is there through the netlink session into plain data,
``plan(desired, observed, ctx)``      pure: an ordered Plan (actions + before/after),
``result(desired, observed, plan, ctx)``  extra return values.

There is one path: check mode runs the same observe and plan and only skips the apply, so
``changed``, ``diff`` and ``actions`` are the same in both modes. In its place a kind may
``check(session, plan, ctx)`` what the apply would refuse (iptables: rules the kernel checks only
at the commit), without changing anything.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import loader
from ansible_collections.netvirt.linux.plugins.module_utils._netlink.apply import apply_plan, explain
from ansible_collections.netvirt.linux.plugins.module_utils._netlink.session import Session
from ansible_collections.netvirt.linux.plugins.module_utils._state.errors import NetvirtError

PYROUTE2_URL = 'https://pypi.org/project/pyroute2/'
INSTALL_HINT = ('pip install pyroute2, or on Debian/Ubuntu: apt-get install python3-pyroute2 '
                '(0.7.2 or newer)')

COMMON_ARGS = {
    'netns': {'type': 'raw'},
}


class Context(object):
    """What a kind may know about the run besides its options."""

    def __init__(self, check_mode, diff):
        self.check_mode = check_mode
        self.diff = diff
        self.warnings = []
        self.session = None

    def warn(self, text):
        self.warnings.append(text)


class Kind(object):
    """Base class of the modules' kinds. See the module docstring."""

    argument_spec = {}
    module_kwargs = {}
    common = True
    needs_pyroute2 = True   # False: a kind that runs no netlink (e.g. iptables runs the iptables tools)

    def desired(self, params):
        return dict(params)

    def observe(self, session, desired, ctx):
        return {}

    def plan(self, desired, observed, ctx):
        raise NotImplementedError

    def apply(self, session, plan, ctx):
        """Apply the plan (outside check mode only). Default: the netlink ops, one action at a time."""
        apply_plan(session, plan.actions)

    def check(self, session, plan, ctx):
        """Check mode's stand-in for ``apply``: fail where the apply would, change nothing, and
        never alter the plan. Default: nothing (the kinds validate before they plan)."""

    def result(self, desired, observed, plan, ctx):
        return {}


def argument_spec(kind):
    spec = copy.deepcopy(COMMON_ARGS) if kind.common else {}
    spec.update(copy.deepcopy(kind.argument_spec))
    return spec


def run(kind, module=None):
    if module is None:
        module = AnsibleModule(argument_spec=argument_spec(kind), supports_check_mode=True,
                               **kind.module_kwargs)
    if kind.needs_pyroute2 and not loader.HAS_PYROUTE2:
        module.fail_json(msg=missing_required_lib('pyroute2', url=PYROUTE2_URL) + ' ' + INSTALL_HINT,
                         exception=loader.PYROUTE2_IMPORT_ERROR)
    ctx = Context(module.check_mode, module._diff)
    plan = None
    try:
        desired = kind.desired(module.params)
        with Session() as session:
            ctx.session = session
            observed = kind.observe(session, desired, ctx)
            plan = kind.plan(desired, observed, ctx)
            if plan.actions and module.check_mode:
                kind.check(session, plan, ctx)
            elif plan.actions:
                kind.apply(session, plan, ctx)
            result = kind.result(desired, observed, plan, ctx)
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
        module.fail_json(msg='reading the network state failed: %s: %s (errno %s)'
                         % (getattr(exc, 'filename', None) or 'setns', explain(exc.errno, None), exc.errno))
    for text in ctx.warnings:
        module.warn(text)
    out = {'changed': plan.changed, 'actions': plan.descriptions()}
    if module._diff:
        out['diff'] = plan.diff()
    out.update(result)
    module.exit_json(**out)
