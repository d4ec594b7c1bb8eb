#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: bond
short_description: Manage bonds (link aggregation) and their ports in any network namespace
version_added: 0.2.0
description:
  - Create, converge or delete one bond device in O(netns), as C(ip link add NAME type bond mode MODE ...) and
    C(ip link set PORT master NAME) do.
  - The kernel cannot change the O(mode) of a bond that has ports or is up, so a bond whose mode differs is
    B(deleted and created again) (the action says so); the new bond takes the ports back and keeps the options,
    MTU and addresses the task leaves unset. Should a step fail, the old bond is made again with its ports.
  - O(miimon), O(arp_interval), O(arp_ip_target), O(xmit_hash_policy), O(lacp_rate), O(primary), O(mtu),
    O(addresses) and O(up) are changed in place.
  - A port is taken only when it is no port of anything else (a bridge's or another bond's port; the task fails
    naming the port and its master, where the kernel itself would move it). A port that is up is set down first, as
    the kernel requires; the bond brings it up.
  - An existing interface named O(name) that is not a bond makes the task fail; it is never taken over,
    and never deleted by O(state=absent).
  - Needs a kernel with bonding (C(CONFIG_BONDING)); on one without, the creation fails naming the kind.
author:
  - netvirt.linux maintainers (@netvirt)
options:
  name:
    description: Name of the bond. At most 15 characters, no C(/), C(:) or white space.
    type: str
    required: true
  state:
    description: V(present) creates or converges the bond; V(absent) deletes it (only a bond; its ports are released).
    type: str
    choices: [present, absent]
    default: present
  mode:
    description:
      - The bonding mode. Required when O(state=present). A different mode makes the bond again (see above).
    type: str
    choices: [balance-rr, active-backup, balance-xor, broadcast, 802.3ad, balance-tlb, balance-alb]
  miimon:
    description:
      - Interval of MII link monitoring in milliseconds; V(0) turns it off. Left as it is when not set (the
        kernel gives a new 802.3ad bond V(100), the other modes V(0)).
      - Not together with O(arp_interval) above 0 (the kernel runs one link monitor at a time).
    type: int
  arp_interval:
    description:
      - Interval of ARP link monitoring in milliseconds; V(0) turns it off. Not in modes V(802.3ad),
        V(balance-tlb), V(balance-alb). Left as it is when not set.
    type: int
  arp_ip_target:
    description: IPv4 addresses the ARP monitor asks (at most 16). Exactly this list when set; V([]) removes them.
    type: list
    elements: str
  xmit_hash_policy:
    description: How modes V(balance-xor) and V(802.3ad) spread traffic over the ports. Left as it is when not set.
    type: str
    choices: [layer2, layer3+4, layer2+3, encap2+3, encap3+4, vlan+srcmac]
  lacp_rate:
    description: How often the LACP partner is asked to send LACPDUs; only with O(mode=802.3ad).
    type: str
    choices: [slow, fast]
  primary:
    description:
      - The port that is active whenever it is up; only in modes V(active-backup), V(balance-tlb) and
        V(balance-alb). Must be a port of the bond (after the task). V('') unsets it. Left as it is when not set.
    type: str
  ports:
    description:
      - Interfaces in the same namespace to make ports of the bond. They are added to the bond's ports, unless
        O(purge_ports) is true. Left as they are when not set.
    type: list
    elements: str
  purge_ports:
    description: With O(ports), the bond's ports are exactly O(ports) (others are released).
    type: bool
    default: false
  mtu:
    description: MTU of the bond (the kernel gives it to the ports too). Left as it is when not set (a new bond has 1500).
    type: int
  addresses:
    description: IPv4/IPv6 addresses in CIDR notation to put on the bond; added to those it has unless O(purge_addresses).
    type: list
    elements: str
  purge_addresses:
    description: With O(addresses), remove the bond's other addresses (IPv6 link-local ones are kept).
    type: bool
    default: false
  up:
    description: Whether the bond is up.
    type: bool
    default: true
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
seealso:
  - module: netvirt.linux.veth
  - module: netvirt.linux.bridge
  - module: netvirt.linux.net_info
'''

EXAMPLES = r'''
- name: Two veths to bond in namespace ns1
  netvirt.linux.veth:
    name: "{{ item }}"
    netns: ns1
    peer:
      name: "{{ item }}p"
  loop: [eth1, eth2]

- name: An active-backup bond over eth1 and eth2, eth1 preferred, MII monitoring every 100 ms
  netvirt.linux.bond:
    name: bond0
    netns: ns1
    mode: active-backup
    miimon: 100
    ports: [eth1, eth2]
    primary: eth1
    addresses: [192.0.2.10/24]

- name: The same bond as 802.3ad (LACP), fast rate, hashing on layer 3+4 (the bond is made again)
  netvirt.linux.bond:
    name: bond0
    netns: ns1
    mode: 802.3ad
    lacp_rate: fast
    xmit_hash_policy: layer3+4
    ports: [eth1, eth2]
    purge_ports: true

- name: Remove the bond (its ports are released)
  netvirt.linux.bond:
    name: bond0
    netns: ns1
    state: absent
'''

RETURN = r'''
bond:
  description:
    - The bond after the task. In check mode, as it would be; otherwise read back from the kernel.
    - O(miimon) of a new bond is left out in check mode unless the task sets it (the kernel chooses it).
    - C(addresses) leaves out IPv6 link-local addresses (the kernel makes them when the bond gets carrier).
  returned: always
  type: dict
  sample:
    state: present
    netns: ns1
    kind: bond
    mode: active-backup
    miimon: 100
    arp_interval: 0
    arp_ip_target: []
    xmit_hash_policy: layer2
    lacp_rate: slow
    primary: eth1
    ports: [eth1, eth2]
    mtu: 1500
    up: true
    addresses: [192.0.2.10/24]
actions:
  description: What the task did, or would do in check mode, in order.
  returned: always
  type: list
  elements: str
  sample: ["ns1: create bond bond0 with mode active-backup, miimon 100", "ns1: set eth1 down (a bond takes only ports that are down; it brings them up)",
           "ns1: attach eth1 to bond bond0", "ns1: set primary port eth1 on bond bond0", "ns1: set bond bond0 up"]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run
from ansible_collections.netvirt.linux.plugins.module_utils._state.bond import BondKind


def main():
    run(BondKind())


if __name__ == '__main__':
    main()
