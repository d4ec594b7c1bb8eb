#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: vlan
short_description: Manage 802.1Q and 802.1ad VLAN devices in any network namespace
version_added: 0.1.0
description:
  - Create, converge or delete one VLAN device on the parent O(link), as
    C(ip link add link PARENT name NAME type vlan id ID [protocol 802.1ad]) does (a tagged uplink, CNI's
    C(vlan) plugin). QinQ by stacking, with an 802.1Q VLAN whose parent is an 802.1ad one.
  - The parent is in O(netns); the device is made there, or straight in O(target_netns).
  - O(id) and O(protocol) cannot be changed on an existing device; then, and when the parent differs, the
    device is B(deleted and created again) (the action says so); the new one starts without the addresses
    other tasks gave the old one.
  - Refused before the kernel is asked are an id outside 1-4094, a second VLAN with the same id and protocol
    on the parent (EEXIST), an MTU above the parent's.
  - An existing interface named O(name) that is not a vlan makes the task fail; it is never taken over,
    and never deleted by O(state=absent).
  - The kernel needs the C(8021q) driver (C(CONFIG_VLAN_8021Q)); without it the task fails saying so (EOPNOTSUPP).
author:
  - netvirt.linux maintainers (@netvirt)
options:
  name:
    description: Name of the device, such as C(eth0.100). At most 15 characters, no C(/), C(:) or white space.
    type: str
    required: true
  state:
    description: V(present) creates or converges the device; V(absent) deletes it (only a vlan).
    type: str
    choices: [present, absent]
    default: present
  link:
    description: The parent device, in O(netns). Required with O(state=present).
    type: str
  target_netns:
    description:
      - The namespace the device lives in (a name under C(/var/run/netns), an absolute path, or a PID).
        Default the one of O(netns), the parent's.
    type: raw
  id:
    description: The VLAN id, 1 to 4094. Required with O(state=present).
    type: int
  protocol:
    description: The tag's protocol, V(802.1Q) (C(0x8100)) or V(802.1ad) (C(0x88a8), the outer tag of QinQ).
    type: str
    choices: [802.1Q, 802.1ad]
    default: 802.1Q
  mtu:
    description: MTU of the device, at most the parent's. Left as it is when not set (a new one gets the parent's).
    type: int
  mac:
    description: MAC address (unicast). Left as it is when not set (a new one gets the parent's).
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
  - module: netvirt.linux.macvlan
  - module: netvirt.linux.bridge
  - module: netvirt.linux.net_info
'''

EXAMPLES = r'''
- name: VLAN 100 on eth1 of namespace ns1, addressed
  netvirt.linux.vlan:
    name: eth1.100
    netns: ns1
    link: eth1
    id: 100
    addresses: [10.100.0.1/24]

- name: QinQ, the outer tag (802.1ad, service VLAN 10)
  netvirt.linux.vlan:
    name: eth1.10
    netns: ns1
    link: eth1
    id: 10
    protocol: 802.1ad

- name: QinQ, the inner tag (802.1Q, customer VLAN 20) on the outer one
  netvirt.linux.vlan:
    name: eth1.10.20
    netns: ns1
    link: eth1.10
    id: 20

- name: Remove VLAN 100
  netvirt.linux.vlan:
    name: eth1.100
    netns: ns1
    state: absent
'''

RETURN = r'''
vlan:
  description:
    - The device after the task. In check mode, as it would be; otherwise read back from the kernel.
    - O(mtu) and O(mac) of a new device are left out in check mode unless the task sets them.
  returned: always
  type: dict
  sample:
    state: present
    netns: ns1
    kind: vlan
    link: eth1
    link_netns: ns1
    id: 100
    protocol: 802.1Q
    mtu: 1500
    mac: "02:00:00:00:01:01"
    addresses: [10.100.0.1/24]
    up: true
  contains:
    link_netns:
      description: The namespace of the parent (null is the module's own).
      type: raw
actions:
  description: What the task did, or would do in check mode, in order.
  returned: always
  type: list
  elements: str
  sample: ["ns1: create vlan eth1.100 on eth1 (id 100, protocol 802.1Q)", "ns1: set vlan eth1.100 up"]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run
from ansible_collections.netvirt.linux.plugins.module_utils._state.vlan import VlanKind


def main():
    run(VlanKind())


if __name__ == '__main__':
    main()
