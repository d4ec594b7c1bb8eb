#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: macvlan
short_description: Manage macvlan devices (a MAC address of its own on a parent device) in any network namespace
version_added: 0.1.0
description:
  - Create, converge or delete one macvlan device on the parent O(link), as
    C(ip link add link PARENT name NAME [netns NS] type macvlan mode MODE) does, as Docker's and CNI's
    C(macvlan) do for a container on the physical LAN with a MAC address of its own.
  - The parent is in O(netns); the device is made there, or straight in O(target_netns) (a container's
    namespace, by name, path or PID), under its final name.
  - O(mode) is changed in place, except to or from V(passthru), which the kernel refuses; then, and when
    the parent differs, the device is B(deleted and created again) (the action says so); the new one starts
    without the addresses other tasks gave the old one.
  - Refused before the kernel is asked (the kernel would refuse them too) are a parent that is a port of a
    bridge or bond (EBUSY), the loopback device, a parent that is a macvlan itself, a V(passthru) macvlan
    beside another macvlan of the same parent (EINVAL), an MTU above the parent's.
  - An existing interface named O(name) that is not a macvlan makes the task fail; it is never taken over,
    and never deleted by O(state=absent).
author:
  - netvirt.linux maintainers (@netvirt)
options:
  name:
    description: Name of the device. At most 15 characters, no C(/), C(:) or white space.
    type: str
    required: true
  state:
    description: V(present) creates or converges the device; V(absent) deletes it (only a macvlan).
    type: str
    choices: [present, absent]
    default: present
  link:
    description: The parent device, in O(netns) (an Ethernet device, a veth, a bridge). Required with O(state=present).
    type: str
  target_netns:
    description:
      - The namespace the device lives in (a name under C(/var/run/netns), an absolute path, or a PID).
        Default the one of O(netns), the parent's.
    type: raw
  mode:
    description:
      - V(bridge) (macvlans of one parent reach each other directly; Docker's default), V(private) (they
        do not, not even through an outside switch), V(vepa) (only through an outside switch that sends
        frames back), V(passthru) (the parent alone, for one device), V(source) (only frames from the MAC
        addresses O(macs)).
    type: str
    choices: [bridge, private, vepa, passthru, source]
    default: bridge
  macs:
    description:
      - With O(mode=source), exactly the source MAC addresses the device accepts frames from (others are
        removed). Left as they are when not set.
    type: list
    elements: str
  mtu:
    description: MTU of the device, at most the parent's. Left as it is when not set (a new one gets the parent's).
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
  - module: netvirt.linux.vlan
  - module: netvirt.linux.interface
  - module: netvirt.linux.net_info
'''

EXAMPLES = r'''
- name: A container's eth0 on the LAN (Docker's macvlan), made straight in its namespace, parent eth1 here
  netvirt.linux.macvlan:
    name: eth0
    link: eth1
    target_netns: c1
    mac: "02:42:c0:a8:01:0a"
    addresses: [192.168.1.10/24]

- name: A second one, in bridge mode too, so the two reach each other
  netvirt.linux.macvlan:
    name: eth0
    link: eth1
    target_netns: c2
    addresses: [192.168.1.11/24]

- name: A host-side macvlan in private mode (no traffic to the other macvlans of eth1)
  netvirt.linux.macvlan:
    name: mv-host
    link: eth1
    mode: private

- name: Remove the second container's device
  netvirt.linux.macvlan:
    name: eth0
    target_netns: c2
    state: absent
'''

RETURN = r'''
macvlan:
  description:
    - The device after the task. In check mode, as it would be; otherwise read back from the kernel.
    - O(mtu) and O(mac) of a new device are left out in check mode unless the task sets them.
  returned: always
  type: dict
  sample:
    state: present
    netns: c1
    kind: macvlan
    link: eth1
    link_netns: null
    mode: bridge
    macs: []
    mtu: 1500
    mac: "02:42:c0:a8:01:0a"
    addresses: [192.168.1.10/24]
    up: true
  contains:
    link_netns:
      description: The namespace of the parent (null is the module's own).
      type: raw
    macs:
      description: The source MAC addresses (mode source), sorted; V([]) in other modes.
      type: list
      elements: str
actions:
  description: What the task did, or would do in check mode, in order.
  returned: always
  type: list
  elements: str
  sample: ["create macvlan eth0 on eth1 (mode bridge) straight in namespace 'c1'", "c1: set mac 02:42:c0:a8:01:0a on macvlan eth0"]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run
from ansible_collections.netvirt.linux.plugins.module_utils._state.macvlan import MacvlanKind


def main():
    run(MacvlanKind())


if __name__ == '__main__':
    main()
