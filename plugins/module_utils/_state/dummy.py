# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One dummy device (`ip link add NAME type dummy`): a link with no other end, the test device of
linux-system-roles and containerlab. It has no options of its own: mtu, mac, addresses and up are
changed in place, so it is never made again. The plan is sublink.LinkKind's.

The kernel of the machines CI runs on is built without CONFIG_DUMMY: creation is refused there with
EOPNOTSUPP ("Unknown device type"), and the task fails saying the kernel has no driver for it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.netvirt.linux.plugins.module_utils._state import sublink


class DummyKind(sublink.LinkKind):
    kind = 'dummy'
    returns = 'dummy'
    argument_spec = sublink.spec(False)
