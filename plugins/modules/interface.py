#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: interface
short_description: Manage an existing network interface of any kind, in any network namespace
version_added: 0.1.0
description:
  - Converge the addresses, MTU, MAC address, master bridge and up/down state of an interface that already
    exists (C(lo), C(eth0), a tap, one end of a veth pair, a bridge), rename it, or move it to another namespace.
  - It never creates or deletes an interface. When O(name) is not in O(netns) the task fails naming the
    interface and the namespace. Use M(netvirt.linux.veth) or M(netvirt.linux.bridge) to create interfaces.
  - Moving and renaming are idempotent. When O(target_netns) or O(rename_to) is set, the module first looks
    for the final name in the final namespace; when the interface is already there (an earlier run moved it),
    it is converged there and nothing is moved. When both the old and the final name exist, the task fails
    rather than guess which one is meant.
  - A move and a rename are one kernel message, so the interface never sits in the target namespace under its
    old name.
  - A moved interface arrives down, without addresses and without a master (the kernel clears them); the
    other options are then applied to it in the target namespace. Set O(up=true) to bring it up there.
  - "Bridges and the loopback interface are netns-local devices; the kernel refuses to move them
    (C(RTNETLINK answers: Invalid argument)) and the task fails saying so before anything is changed."
  - An O(master) that the interface cannot be a port of is refused before the kernel sees it (a bridge as a
    port of another bridge (the kernel would answer C(ELOOP), "Too many levels of symbolic links"), an
    interface as its own master, the loopback, and a layer-3 tun device).
author:
  - netvirt.linux maintainers (@netvirt)
options:
  name:
    description: Name of the interface in O(netns). At most 15 characters, no C(/), C(:) or white space.
    type: str
    required: true
  rename_to:
    description:
      - New name of the interface. In its final namespace (O(target_netns), or O(netns)) no other interface
        may have that name.
      - Left as it is when not set.
    type: str
  target_netns:
    description:
      - Move the interface to this namespace; a name, an absolute path or a PID, like O(netns).
      - The namespace must exist. Left where it is when not set.
    type: raw
  mtu:
    description: MTU of the interface. Left as it is when not set.
    type: int
  mac:
    description: MAC address of the interface (unicast). Left as it is when not set.
    type: str
  master:
    description:
      - Name of a bridge, in the final namespace of the interface, that the interface is a port of.
        An empty string detaches it from its bridge.
      - Left as it is when not set.
    type: str
  hairpin:
    description:
      - Hairpin mode of the interface as a port of its bridge (C(ip link set DEV type bridge_slave hairpin on)) -
        the bridge may send a frame back out of the port it came in on. A container that reaches its own
        published port through the host or the gateway (DNAT back into the same port) needs it; Docker turns it
        on for its container ports when it runs without its userland proxy.
      - The interface must be a port of a bridge after the task (its present bridge, or the one O(master)
        gives); otherwise the task fails naming the option. A port attached anew starts with hairpin off.
      - Left as it is when not set.
    type: bool
    version_added: 0.2.0
  up:
    description:
      - Whether the interface is up.
      - Left as it is when not set; note that an interface that is moved arrives down.
    type: bool
  addresses:
    description:
      - Addresses of the interface in CIDR form (C(10.0.0.1/24), C(fd00::1/64)).
      - Added when missing; others are kept unless O(purge_addresses=true).
      - IPv6 addresses are added without duplicate address detection, so they are usable at once.
    type: list
    elements: str
  purge_addresses:
    description:
      - Remove addresses that O(addresses) does not list. IPv6 link-local addresses (C(fe80::/10)) are kept
        unless listed. Only takes effect when O(addresses) is set.
    type: bool
    default: false
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
seealso:
  - module: netvirt.linux.veth
  - module: netvirt.linux.bridge
  - module: netvirt.linux.netns
  - module: netvirt.linux.route
  - module: netvirt.linux.net_info
'''

EXAMPLES = r'''
- name: Bring up the loopback interface of namespace ns1
  netvirt.linux.interface:
    name: lo
    netns: ns1
    up: true

- name: Move vethfather into namespace net1
  netvirt.linux.interface:
    name: vethfather
    target_netns: net1
    addresses: [10.0.1.2/24]
    up: true

- name: Move veth0p into net0 and rename it eth0 there, in one step
  netvirt.linux.interface:
    name: veth0p
    target_netns: net0
    rename_to: eth0
    addresses: [10.0.1.1/24]
    up: true

- name: Exactly these addresses on eth0 inside net0 (link-local IPv6 is kept)
  netvirt.linux.interface:
    name: eth0
    netns: net0
    addresses: [10.0.1.1/24, "fd00:1::1/64"]
    purge_addresses: true

- name: Make veth0 a port of bridge mybridge0, jumbo frames
  netvirt.linux.interface:
    name: veth0
    master: mybridge0
    mtu: 9000
    up: true

- name: Hairpin mode on that port (a container behind it may reach its own published port through the host)
  netvirt.linux.interface:
    name: veth0
    master: mybridge0
    hairpin: true

- name: Detach veth0 from its bridge
  netvirt.linux.interface:
    name: veth0
    master: ""
'''

RETURN = r'''
interface:
  description:
    - The interface after the task, under its final name in its final namespace. In check mode, as it would
      be; otherwise read back from the kernel.
    - C(peer) (the other end of the pair) is only returned for veth interfaces.
    - C(hairpin) (the hairpin mode of the port) is only returned when O(hairpin) is given.
  returned: always
  type: dict
  sample:
    state: present
    name: eth0
    netns: net0
    kind: veth
    mtu: 1500
    mac: "6a:1f:4e:0b:93:10"
    up: true
    master: null
    addresses: [10.0.1.1/24, "fe80::681f:4eff:fe0b:9310/64"]
    peer:
      name: veth0
      netns: null
actions:
  description: What the task did, or would do in check mode, in order.
  returned: always
  type: list
  elements: str
  sample: ["move interface veth0p to namespace 'net0' as eth0", "net0: add address 10.0.1.1/24 to interface eth0",
           "net0: set interface eth0 up"]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._state.interface import InterfaceKind
from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run


def main():
    run(InterfaceKind())


if __name__ == '__main__':
    main()
