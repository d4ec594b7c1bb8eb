#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: vxlan
short_description: Manage VXLAN devices (layer-2 overlays over UDP) in any network namespace
version_added: 0.1.0
description:
  - Create, converge or delete one VXLAN device in O(netns), as C(ip link add NAME type vxlan id VNI ...) does.
  - O(vni), O(remote) or O(group), O(local), O(dev) and O(port) describe the device exactly (leaving O(remote),
    O(group), O(local) or O(dev) out means the device has none). The kernel cannot change the VNI or the port
    of an existing device, and not every kernel changes the others, so an existing device that differs in any
    of these is B(deleted and created again) (the action says so). The new device starts without the
    addresses other tasks gave the old one; it is made a port of the old one's bridge again.
  - O(ttl), O(learning), O(mtu) and O(up) are changed in place.
  - The UDP port is always set (default 4789, IANA's VXLAN port); the kernel alone would use 8472.
  - Two VXLAN devices of one namespace cannot share VNI, port and address family; the task fails naming
    O(vni) before the kernel is asked.
  - An existing interface named O(name) that is not a vxlan makes the task fail; it is never taken over,
    and never deleted by O(state=absent).
author:
  - netvirt.linux maintainers (@netvirt)
options:
  name:
    description: Name of the VXLAN device. At most 15 characters, no C(/), C(:) or white space.
    type: str
    required: true
  state:
    description: V(present) creates or converges the device; V(absent) deletes it (only a vxlan).
    type: str
    choices: [present, absent]
    default: present
  vni:
    description: VXLAN network identifier, 1 to 16777215. Required when O(state=present).
    type: int
  remote:
    description:
      - Unicast IPv4 or IPv6 address of the one peer that frames for unknown destinations are sent to.
      - Mutually exclusive with O(group) and O(remotes).
    type: str
  remotes:
    description:
      - Unicast peers for head-end replication (several remotes). Frames for unknown destinations, broadcasts
        and multicasts are sent to each. Written as forwarding database entries with the all-zero MAC address,
        as C(bridge fdb append 00:00:00:00:00:00 dev NAME dst PEER) does.
      - When set, the device's all-zero entries are exactly this list (others are removed; V([]) removes them
        all). When not set, they are left as they are.
      - IPv6 peers need O(local) set to an IPv6 address (only that makes an IPv6 device).
      - Mutually exclusive with O(remote) and O(group).
    type: list
    elements: str
  group:
    description:
      - Multicast group (IPv4 C(224.0.0.0/4) or IPv6 C(ff00::/8)) joined on O(dev); needs O(dev).
      - Mutually exclusive with O(remote) and O(remotes).
    type: str
  local:
    description: Source address of the encapsulated packets; the same address family as O(remote) or O(group).
    type: str
  dev:
    description: Underlay interface, in the same namespace (the device the tunnel's packets leave by).
    type: str
  port:
    description: Destination UDP port.
    type: int
    default: 4789
  ttl:
    description:
      - TTL of the encapsulated packets, 1 to 255; V(0) means inherit/auto. Left as it is when not set
        (a new device gets the kernel's V(0)).
    type: int
  learning:
    description: Whether the device learns remote MAC addresses from the packets it receives.
    type: bool
    default: true
  mtu:
    description:
      - MTU of the device. Left as it is when not set (the kernel gives a new device the underlay's MTU minus
        50 for IPv4, 70 for IPv6, or 1500 without O(dev)); with O(dev) it may not exceed that.
    type: int
  up:
    description: Whether the device is up.
    type: bool
    default: true
  master:
    description:
      - The bridge (in the same namespace) the device is a port of, as an overlay is joined to a local
        network; V('') detaches it. Left as it is when not set. A device made again (see O(vni)) stays a
        port of its bridge.
      - A bridge takes at most 1023 ports; a task that would add more fails before anything is changed.
    type: str
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
seealso:
  - module: netvirt.linux.interface
  - module: netvirt.linux.bridge
  - module: netvirt.linux.net_info
'''

EXAMPLES = r'''
- name: VNI 42 towards one peer over eth0 of namespace ns1
  netvirt.linux.vxlan:
    name: vx42
    netns: ns1
    vni: 42
    remote: 192.0.2.2
    local: 192.0.2.1
    dev: eth0

- name: Give the overlay device an address
  netvirt.linux.interface:
    name: vx42
    netns: ns1
    addresses: [10.42.0.1/24]

- name: VNI 7 as a port of bridge br0 of ns1 (the overlay joins the local network)
  netvirt.linux.vxlan:
    name: vx7
    netns: ns1
    vni: 7
    remote: 192.0.2.2
    dev: eth0
    master: br0

- name: VNI 100 on a multicast group, learning off, lower MTU
  netvirt.linux.vxlan:
    name: vx100
    netns: ns1
    vni: 100
    group: 239.1.1.100
    dev: eth0
    ttl: 16
    learning: false
    mtu: 1400

- name: An IPv6 underlay
  netvirt.linux.vxlan:
    name: vx6
    netns: ns1
    vni: 600
    remote: "2001:db8::2"
    port: 4790

- name: Head-end replication to two peers (all-zero-MAC FDB entries), exactly these
  netvirt.linux.vxlan:
    name: vx300
    netns: ns1
    vni: 300
    local: 192.0.2.1
    dev: eth0
    remotes: [192.0.2.3, 192.0.2.4]

- name: Remove the multicast device
  netvirt.linux.vxlan:
    name: vx100
    netns: ns1
    state: absent
'''

RETURN = r'''
vxlan:
  description:
    - The device after the task. In check mode, as it would be; otherwise read back from the kernel.
    - O(mtu) of a new device is left out in check mode unless the task sets it (the kernel chooses it).
  returned: always
  type: dict
  sample:
    state: present
    netns: ns1
    kind: vxlan
    vni: 42
    remote: 192.0.2.2
    group: null
    local: 192.0.2.1
    dev: eth0
    port: 4789
    ttl: 0
    learning: true
    mtu: 1450
    up: true
    master: null
  contains:
    remotes:
      description: The head-end replication peers (all-zero-MAC FDB entries), sorted; only when O(remotes) is set.
      returned: when O(remotes) is set
      type: list
      elements: str
actions:
  description: What the task did, or would do in check mode, in order.
  returned: always
  type: list
  elements: str
  sample: ["ns1: create vxlan vx42 with vni 42, remote 192.0.2.2, local 192.0.2.1, dev eth0, port 4789, learning on",
           "ns1: set vxlan vx42 up"]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run
from ansible_collections.netvirt.linux.plugins.module_utils._state.vxlan import VxlanKind


def main():
    run(VxlanKind())


if __name__ == '__main__':
    main()
