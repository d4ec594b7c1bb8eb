#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: route
short_description: Manage IPv4 and IPv6 routes in any network namespace
version_added: 0.1.0
description:
  - Add, change or delete one route in O(netns).
  - A route is identified the way the kernel identifies it, by its family, O(dst), O(table) and O(metric).
    An existing route with that identity but another gateway or device is changed in place (as
    C(ip route replace) does), so there is never a moment without a route.
  - When O(metric) is not set, the kernel's default is meant, both to find the route and to create it
    (0 for IPv4, 1024 for IPv6).
  - Routes of the kernel's C(local) table (local and broadcast addresses) are not managed.
  - A O(gateway) that is no next hop (C(0.0.0.0), C(::), a multicast address, C(255.255.255.255)) is refused
    before the kernel sees it; the kernel takes the unspecified address for no gateway at all, so the route
    would differ from the task on every run.
author:
  - netvirt.linux maintainers (@netvirt)
options:
  dst:
    description:
      - The destination network in CIDR form (C(10.2.0.0/24), C(fd00:2::/64)), a single address (a host route),
        or V(default).
      - The host bits must be zero (C(10.2.0.0/24), not C(10.2.0.1/24)).
    type: str
    required: true
  gateway:
    description:
      - The next hop, an IP address of the same family as the route. It must be reachable, that is on the subnet
        of an address of the namespace.
      - When not set, the route is a direct one (through O(dev), without a gateway); an existing route with a
        gateway is then changed into a direct one.
      - With O(state=present), at least one of O(gateway) and O(dev) is required.
    type: str
  dev:
    description:
      - The interface the route goes out of; it must exist in O(netns).
      - When not set, the kernel picks it from O(gateway), and the device of an existing route is not compared.
    type: str
  metric:
    description:
      - The metric (priority) of the route, part of its identity.
      - When not set, the kernel's default for the family, 0 for IPv4 and 1024 for IPv6.
    type: int
  table:
    description:
      - The routing table, a number from 1 to 4294967295 (not 255, the kernel's local table), or V(main)
        (254) or V(default) (253).
      - When not set, the main table.
    type: raw
  family:
    description:
      - The address family of the route.
      - When not set, derived from O(dst) or O(gateway); a V(default) route without a gateway is IPv4 unless
        this says V(ipv6).
    type: str
    choices: [ipv4, ipv6]
  state:
    description:
      - V(present) adds the route, or changes its gateway and device in place.
      - V(absent) deletes the route with this identity. When O(gateway) or O(dev) is given, the route is
        only deleted when they match too; otherwise there is nothing to remove.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
seealso:
  - module: netvirt.linux.interface
  - module: netvirt.linux.veth
  - module: netvirt.linux.sysctl
  - module: netvirt.linux.net_info
'''

EXAMPLES = r'''
- name: In namespace left, reach the right subnet through the router
  netvirt.linux.route:
    netns: left
    dst: 10.0.2.0/24
    gateway: 10.0.1.254

- name: Default route of a container namespace
  netvirt.linux.route:
    netns: ns1
    dst: default
    gateway: 172.17.0.1

- name: IPv6 default route
  netvirt.linux.route:
    netns: ns1
    dst: default
    gateway: "fd00:1::fe"

- name: A direct route through an interface, in table 100 with metric 10
  netvirt.linux.route:
    netns: ns1
    dst: 192.168.50.0/24
    dev: eth1
    table: 100
    metric: 10

- name: Remove the route to the right subnet
  netvirt.linux.route:
    netns: left
    dst: 10.0.2.0/24
    state: absent
'''

RETURN = r'''
route:
  description:
    - The route after the task. In check mode, as it would be; otherwise read back from the kernel.
    - In check mode a route added or replaced without O(dev) has no C(dev), since the kernel picks it.
    - C(state) is V(absent) when there is no such route.
  returned: always
  type: dict
  sample:
    state: present
    netns: left
    family: ipv4
    dst: 10.0.2.0/24
    gateway: 10.0.1.254
    dev: eth0
    metric: 0
    table: 254
actions:
  description: What the task did, or would do in check mode, in order.
  returned: always
  type: list
  elements: str
  sample: ["left: add route 10.0.2.0/24 via 10.0.1.254 metric 0"]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._state.route import RouteKind
from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run


def main():
    run(RouteKind())


if __name__ == '__main__':
    main()
