# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plans: an ordered list of actions plus the before/after picture of every object touched.

The plan alone decides ``changed``, gives ``diff`` and the returned ``actions``; it is applied
only outside check mode. Pure Python: no pyroute2, no kernel.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy


def ns_label(netns):
    """How a namespace reference reads in messages: the name/path/PID, or the current one."""
    return 'the current namespace' if netns is None else "namespace '%s'" % netns


def object_key(obj, netns):
    """The key of one object in a plan's before/after: ``"veth v0 (namespace 'ns1')"``."""
    return '%s (%s)' % (obj, ns_label(netns))


class Action(object):
    """One step of a plan, applied by the netlink layer. ``describe()`` reads as
    ``"ns1: create veth v0 with peer eth0 in namespace 'ns2'"`` (no prefix in the module's own namespace).

    ``op``      what to do (see _netlink.apply.OPS),
    ``netns``   the namespace reference the step runs in (None: the module's own),
    ``obj``     the object it is about, in words ("veth v0"),
    ``params``  plain data for the op,
    ``option``  the module option that asked for it (for error messages),
    ``undo``    an Action that reverses it; run (newest first) when a later step fails, so that
                a failed task leaves nothing half-made.
    """

    __slots__ = ('op', 'netns', 'obj', 'params', 'option', 'undo', 'text')

    def __init__(self, op, netns, obj, params=None, option=None, undo=None, text=None):
        self.op = op
        self.netns = netns
        self.obj = obj
        self.params = params or {}
        self.option = option
        self.undo = undo
        self.text = text

    def describe(self):
        text = self.text or '%s %s %r' % (self.op, self.obj, self.params)
        if self.netns is None:
            return text
        return '%s: %s' % (self.netns, text)

    def as_dict(self):
        return {'op': self.op, 'netns': self.netns, 'object': self.obj,
                'params': copy.deepcopy(self.params), 'description': self.describe()}

    def __repr__(self):
        return 'Action(%r, %r, %r, %r)' % (self.op, self.netns, self.obj, self.params)


class Plan(object):
    """Ordered actions plus before/after per object key (``object_key``: ``"veth v0 (namespace 'ns0')"``
    -> dict)."""

    def __init__(self):
        self.actions = []
        self.before = {}
        self.after = {}
        self.result = {}

    def add(self, op, netns, obj, params=None, option=None, undo=None, text=None):
        action = Action(op, netns, obj, params, option, undo, text)
        self.actions.append(action)
        return action

    def extend(self, other):
        self.actions.extend(other.actions)
        self.before.update(other.before)
        self.after.update(other.after)
        self.result.update(other.result)

    def record(self, key, before, after):
        """Remember the picture of one object before and (predicted) after the plan."""
        self.before[key] = before
        self.after[key] = after

    @property
    def changed(self):
        return bool(self.actions)

    def diff(self):
        if len(self.before) == 1 and len(self.after) == 1:
            key = list(self.before)[0]
            return {'before': self.before[key], 'after': self.after[key],
                    'before_header': key, 'after_header': key}
        return {'before': self.before, 'after': self.after}

    def descriptions(self):
        return [a.describe() for a in self.actions]
