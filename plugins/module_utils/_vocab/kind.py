# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kind contract: what a module hands to the runner (``_runner.runner.run``).

A kind is a small class. The runner calls, in this order and on one path for check mode:

``desired(params)``                         validate and normalise the options (pure; ValidationError),
``observe(session, desired, ctx)``          read what is there into plain data (I/O: the session, ``ctx.io``),
``plan(desired, observed, ctx)``            pure: an ordered Plan (actions + before/after per object key),
``apply(session, plan, ctx)``               outside check mode, when the plan has actions (I/O),
``check(session, plan, ctx)``               in check mode instead of apply: may only fail, never change,
``result(desired, observed, plan, ctx)``    pure: the return values, from the plan's ``after``,
``read_back(session, desired, observed, ctx)``  after a real run that changed something: return values
                                            read from the kernel again, laid over ``result``'s (I/O),
``close(ctx)``                              always, in a ``finally``: let go of locks and sockets.

The planners (``_state``) import this floor and nothing that touches the kernel: the session and
the other I/O floors reach them as arguments (``session``, ``ctx.io``), handed over by the runner.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import object_key

# Options every kind with ``common = True`` takes (documented by the netvirt.linux.netns doc fragment).
COMMON_OPTIONS = {
    'netns': {'type': 'raw'},
}


class Context(object):
    """What a kind may know about the run besides its options.

    ``io``: the kernel-side floors the runner hands over (see ``_runner.runner.Io``): ``session``,
    ``apply_plan(actions)``, ``fast_apply(actions)``, the iptables tools, the probe engine, the
    host files. None in unit tests of pure steps."""

    def __init__(self, check_mode, diff, io=None):
        self.check_mode = check_mode
        self.diff = diff
        self.warnings = []
        self.io = io

    @property
    def session(self):
        return self.io.session if self.io is not None else None

    def warn(self, text):
        self.warnings.append(text)


class Kind(object):
    """Base class of the modules' kinds. See the module docstring."""

    argument_spec = {}
    module_kwargs = {}
    common = True           # the common option netns is added to argument_spec
    needs_pyroute2 = True   # False: a kind that runs no netlink (e.g. iptables runs the iptables tools)
    returns = None          # the return value that holds the managed object's picture ('veth', 'route', ...)

    @classmethod
    def options(cls):
        """The kind's whole argument spec (a copy): its own options and, with ``common``, netns."""
        spec = copy.deepcopy(COMMON_OPTIONS) if cls.common else {}
        spec.update(copy.deepcopy(cls.argument_spec))
        return spec

    def desired(self, params):
        return dict(params)

    def locks(self, desired):
        """The namespaces (references as the task gives them) whose state this run may change: the
        runner holds a lock on each from before observe to after apply (check mode too), so that
        two runs on one namespace take turns. Default: the kind's netns; a kind that only reads
        returns none."""
        return [desired.get('netns')] if self.common else []

    def recorded_locks(self, desired, io):
        """More namespaces to lock, known only from what the collection recorded on the host (read
        through ``io``, the runner's Io): a kind that removes what an earlier run made (a topology's
        ``purge`` or ``state=absent``) locks those too, though the task does not name them. Taken
        with ``locks`` in one sorted set, before observe. Default: none."""
        return []

    def observe(self, session, desired, ctx):
        return {}

    def plan(self, desired, observed, ctx):
        raise NotImplementedError

    def apply(self, session, plan, ctx):
        """Apply the plan (outside check mode only). Default: the netlink ops, one action at a time,
        with the undo of this run's creations when one fails."""
        ctx.io.apply_plan(plan.actions)

    def check(self, session, plan, ctx):
        """Check mode's stand-in for ``apply``: fail where the apply would, change nothing, and
        never alter the plan. Default: nothing (the kinds validate before they plan)."""

    def key(self, desired, observed):
        """The key of the managed object in the plan's before/after: ``'veth v0 (namespace 'ns1')'``."""
        return object_key(desired['obj'], observed['netns'])

    def result(self, desired, observed, plan, ctx):
        """The return values, from the plan alone (check mode and an unchanged run return these)."""
        if self.returns is None:
            return {}
        return {self.returns: plan.after[self.key(desired, observed)]}

    def read_back(self, session, desired, observed, ctx):
        """After a real run that changed something: return values as the kernel has them now (a new
        link's MAC, a bridge's MTU); they replace ``result``'s. Default: nothing to read."""
        return {}

    def close(self, ctx):
        """Let go of what ``observe`` took (a lock, a scratch namespace). Called on every path."""
