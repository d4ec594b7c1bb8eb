#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: tuntap
short_description: Manage persistent tun and tap devices in any network namespace
version_added: 0.1.0
description:
  - Create, converge or delete one persistent tun (layer 3) or tap (layer 2) device, as
    C(ip tuntap add dev tap0 mode tap user 1000) does. A program (a VPN, a virtual machine, a
    user-space switch) attaches to it later through C(/dev/net/tun) under that name.
  - The device is made with ioctls on C(/dev/net/tun) from inside O(netns) (no C(ip) command), read
    back and deleted through netlink.
  - O(mode) and O(multi_queue) are fixed when a device is made. When they differ the device is deleted
    and made again; it comes back down (then O(up) and O(mtu) are applied), without addresses and
    without a bridge master (set those again in later tasks). This is refused while a process holds the
    device (it has carrier then), since that process would keep a device that no longer exists.
  - O(packet_info), O(vnet_hdr), O(user) and O(group) are changed in place, by attaching to the device
    for a moment; the kernel refuses that while a process holds it, and the task fails saying so
    (a multi-queue device held by a process still takes a new O(user) or O(group)).
  - A tap without a process attached has no carrier (C(NO-CARRIER)); O(up) is the administrative state.
  - An existing interface named O(name) that is not a tun/tap makes the task fail; it is never taken
    over or removed. A tun/tap that is not persistent belongs to the process that made it; O(state=present)
    fails naming it, O(state=absent) deletes it.
author:
  - netvirt.linux maintainers (@netvirt)
options:
  name:
    description: Name of the device in O(netns). At most 15 characters, no C(/), C(:) or white space.
    type: str
    required: true
  state:
    description:
      - V(present) creates or converges the device; V(absent) deletes it (only a tun or tap of that name,
        whatever its mode).
    type: str
    choices: [present, absent]
    default: present
  mode:
    description: V(tun) for a layer 3 device (IP packets), V(tap) for a layer 2 device (Ethernet frames).
      Required when O(state=present).
    type: str
    choices: [tun, tap]
  user:
    description:
      - The user that may attach to the device without CAP_NET_ADMIN, by name or number.
      - A name is looked up on the managed host; a number is taken as it is.
      - Left as it is when not set (a new device has no owner).
    type: raw
  group:
    description:
      - The group whose members may attach to the device, by name or number (looked up like O(user)).
      - Left as it is when not set (a new device has no group).
    type: raw
  multi_queue:
    description: Whether several files (queues) can attach to the device (C(IFF_MULTI_QUEUE)).
    type: bool
    default: false
  packet_info:
    description:
      - Whether every packet the program reads or writes starts with 4 bytes of flags and protocol.
      - V(false) is C(IFF_NO_PI), what C(ip tuntap) makes by default.
    type: bool
    default: false
  vnet_hdr:
    description: Whether packets carry a virtio-net header (C(IFF_VNET_HDR)), as QEMU/vhost-net use.
    type: bool
    default: false
  mtu:
    description: MTU of the device. Left as it is when not set (a new device gets 1500).
    type: int
  up:
    description: Whether the device is administratively up.
    type: bool
    default: true
  master:
    description:
      - The bridge (in the same namespace) the device is a port of, as a VM's tap is; V('') detaches it.
        Left as it is when not set.
      - A bridge takes at most 1023 ports; a task that would add more fails before anything is changed.
    type: str
notes:
  - Addresses are set with M(netvirt.linux.interface).
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
seealso:
  - module: netvirt.linux.interface
  - module: netvirt.linux.bridge
  - module: netvirt.linux.netns
'''

EXAMPLES = r'''
- name: A tap for a virtual machine run by user 1000, as `ip tuntap add dev tap0 mode tap user 1000`
  netvirt.linux.tuntap:
    name: tap0
    mode: tap
    user: 1000
    vnet_hdr: true

- name: A tun for a VPN inside namespace vpn, owned by group nogroup, MTU 1400
  netvirt.linux.tuntap:
    name: tun0
    mode: tun
    netns: vpn
    group: nogroup
    mtu: 1400

- name: Make tap0 a port of bridge br0
  netvirt.linux.interface:
    name: tap0
    master: br0

- name: Remove the tun of the VPN
  netvirt.linux.tuntap:
    name: tun0
    netns: vpn
    state: absent
'''

RETURN = r'''
tuntap:
  description:
    - The device after the task. In check mode, as it would be; otherwise read back from the kernel.
    - O(user) and O(group) show as numbers (V(null) when not set).
  returned: always
  type: dict
  sample:
    state: present
    netns: null
    mode: tap
    owner: 1000
    group: null
    multi_queue: false
    packet_info: false
    vnet_hdr: true
    persist: true
    mtu: 1500
    up: true
    master: null
actions:
  description: What the task did, or would do in check mode, in order.
  returned: always
  type: list
  elements: str
  sample: ["create tap tap0 (vnet_hdr, user 1000)", "set tap tap0 up"]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run
from ansible_collections.netvirt.linux.plugins.module_utils._state.tuntap import TuntapKind


def main():
    run(TuntapKind())


if __name__ == '__main__':
    main()
