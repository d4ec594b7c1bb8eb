#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: dummy
short_description: Manage dummy devices (a link with no other end) in any network namespace
version_added: 0.1.0
description:
  - Create, converge or delete one dummy device in O(netns), as C(ip link add NAME type dummy) does. It is the
    test device of linux-system-roles and containerlab, a stable address holder (a router ID, a loopback
    for a service address).
  - O(mtu), O(mac), O(addresses) and O(up) are changed in place; a dummy has no option the kernel cannot
    change, so it is never made again.
  - An existing interface named O(name) that is not a dummy makes the task fail; it is never taken over,
    and never deleted by O(state=absent).
  - The kernel needs the C(dummy) driver (C(CONFIG_DUMMY)); without it the task fails saying so (EOPNOTSUPP).
author:
  - netvirt.linux maintainers (@netvirt)
options:
  name:
    description: Name of the device. At most 15 characters, no C(/), C(:) or white space.
    type: str
    required: true
  state:
    description: V(present) creates or converges the device; V(absent) deletes it (only a dummy).
    type: str
    choices: [present, absent]
    default: present
  mtu:
    description: MTU of the device. Left as it is when not set (a new one gets 1500).
    type: int
  mac:
    description: MAC address (unicast). Left as it is when not set (a new one gets a random one).
    type: str
  addresses:
    description: Addresses (CIDR) the device has; others are kept unless O(purge_addresses).
    type: list
    elements: str
  purge_addresses:
    description: Remove addresses not in O(addresses) (IPv6 link-local ones are kept).
    type: bool
    default: false
  up:
    description: Whether the device is up.
    type: bool
    default: true
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
seealso:
  - module: netvirt.linux.interface
  - module: netvirt.linux.net_info
'''

EXAMPLES = r'''
- name: A dummy holding a service address in namespace ns1
  netvirt.linux.dummy:
    name: dummy0
    netns: ns1
    addresses: [192.0.2.10/32, "2001:db8::10/128"]

- name: A fixed MAC and MTU, exactly these addresses
  netvirt.linux.dummy:
    name: dummy0
    netns: ns1
    mac: "02:00:00:00:00:10"
    mtu: 9000
    addresses: [192.0.2.10/32]
    purge_addresses: true

- name: Remove it
  netvirt.linux.dummy:
    name: dummy0
    netns: ns1
    state: absent
'''

RETURN = r'''
dummy:
  description:
    - The device after the task. In check mode, as it would be; otherwise read back from the kernel.
    - O(mtu) and O(mac) of a new device are left out in check mode unless the task sets them (the kernel
      chooses them).
  returned: always
  type: dict
  sample:
    state: present
    netns: ns1
    kind: dummy
    mtu: 1500
    mac: "02:00:00:00:00:10"
    addresses: [192.0.2.10/32]
    up: true
actions:
  description: What the task did, or would do in check mode, in order.
  returned: always
  type: list
  elements: str
  sample: ["ns1: create dummy dummy0", "ns1: add address 192.0.2.10/32 to dummy dummy0", "ns1: set dummy dummy0 up"]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run
from ansible_collections.netvirt.linux.plugins.module_utils._state.dummy import DummyKind


def main():
    run(DummyKind())


if __name__ == '__main__':
    main()
