# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # The options every graph generator filter shares (single, linear, tree, torus, grid, meshnet_graph).
    DOCUMENTATION = r'''
options:
  ip_base:
    description:
      - The IPv4 network the addresses come from, in CIDR form (Mininet's C(ipBase)).
      - When it has host bits (V(10.0.0.100/8)), the first address is that one, as in Mininet.
      - Too small a network for the lab fails, saying how many addresses it holds and how many are needed.
    type: str
    default: 10.0.0.0/8
  ipv6_quiet:
    description:
      - The value of O(netvirt.linux.topology#module:ipv6_quiet) in the result. True turns IPv6 off in each new
        namespace, so a large lab's build sends no DAD and MLD multicast (the labs are addressed in IPv4 only).
      - Set V(false) for IPv6 traffic (a routing protocol on link-local addresses, for example).
    type: bool
    default: true
notes:
  - Runs on the controller and needs nothing but Python; the result is deterministic (the same arguments give
    the same dict, in the same order), so a re-run of the topology task changes nothing.
  - The result holds only options of M(netvirt.linux.topology) (C(name), C(ipv6_quiet), C(namespaces),
    C(bridges), C(links)); add others (C(state), C(purge), C(routes), C(sysctls)) with
    C(ansible.builtin.combine).
  - Every interface name is checked to fit Linux's 15 characters and every bridge's port count to fit its
    1023 ports before anything is returned; a lab of more than 65536 namespaces is refused.
'''

    # Mininet's shapes: switches as bridges, hosts as namespaces.
    MININET = r'''
options:
  prefix:
    description:
      - Put before every namespace name (the hosts), every bridge name (the switches) and every bridge port name,
        so that several labs live side by side (V(lab1-) gives C(lab1-h1), C(lab1-s1), C(lab1-s1-eth1)).
      - The interface inside a host's namespace keeps its Mininet name (C(h1-eth0)).
      - Letters, digits, C(_), C(.) and C(-); a name it would push past 15 characters fails, naming it.
    type: str
    default: ''
  forward_delay:
    description:
      - Forward delay of every bridge, in seconds. With STP on it defaults to V(4) (with O(hello_time) V(1) and
        O(max_age) V(6), the smallest timers that keep 802.1D's rule 2 x (forward_delay - 1) >= max_age >=
        2 x (hello_time + 1)); with STP off it is left out unless given.
    type: float
  hello_time:
    description: Hello time of every bridge in seconds; with STP on it defaults to V(1), else it is left out unless given.
    type: float
  max_age:
    description: Max age of every bridge in seconds; with STP on it defaults to V(6), else it is left out unless given.
    type: float
'''

    # meshnet-lab's shapes: every node a namespace, a veth and a /30 per link.
    LINKS = r'''
options:
  prefix:
    description:
      - Put before every node id to make its namespace name (meshnet-lab names them C(ns-ID)).
      - Letters, digits, C(_), C(.) and C(-).
    type: str
    default: ns-
  link_prefix:
    description:
      - The prefix length of each link's network, taken from O(ip_base) in link order. V(30) gives link 0
        C(10.0.0.1/30) and C(10.0.0.2/30), link 1 C(10.0.0.5/30) and C(10.0.0.6/30), ...; V(31) gives link 0
        C(10.0.0.0/31) and C(10.0.0.1/31), ...
    type: int
    choices: [30, 31]
    default: 30
'''
