# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: grid
short_description: meshnet-lab's grid (x by y nodes, a veth and a /30 between neighbours) as netvirt.linux.topology arguments
version_added: 0.1.0
author:
  - netvirt.linux maintainers (@netvirt)
description:
  - meshnet-lab's C(grid4) (C(topology.py grid4 X Y)) as the arguments of one M(netvirt.linux.topology) task.
  - O(_input) by O(y) nodes, every node a namespace C(ns-ID) with meshnet-lab's id, four hex digits C(0000),
    C(0001), ... (node I of row J is C(I + J * x)); each node is linked to its right and its lower neighbour by a
    veth straight between the two namespaces, the end in node A towards node B named C(ve-B).
  - Each link has a /30 of its own (O(link_prefix)) from O(ip_base), in link order (row by row, each node's right
    link before its lower one); the first node of the link gets the first address.
  - There are no bridges and no routes; each node reaches its neighbours, a routing protocol (as in meshnet-lab)
    or routes added with C(ansible.builtin.combine) do the rest.
  - Unlike meshnet-lab, which hangs every node on a bridge of its own in a C(switch) namespace, the veth goes
    straight between the nodes; a 33 x 33 grid is 1089 namespaces and 2112 links.
positional: _input, y
options:
  _input:
    description: Nodes in the x direction (a row).
    type: int
    required: true
  y:
    description: Nodes in the y direction (rows).
    type: int
    required: true
  name:
    description: The topology's name (its ownership mark), O(netvirt.linux.topology#module:name) in the result.
    type: str
    default: grid
extends_documentation_fragment:
  - netvirt.linux.generators
  - netvirt.linux.generators.LINKS
seealso:
  - module: netvirt.linux.topology
  - plugin: netvirt.linux.meshnet_graph
    plugin_type: filter
'''

EXAMPLES = r'''
- name: A 33 x 33 grid, 1089 namespaces
  netvirt.linux.topology:
    name: "{{ lab.name }}"
    ipv6_quiet: "{{ lab.ipv6_quiet }}"
    namespaces: "{{ lab.namespaces }}"
    links: "{{ lab.links }}"
  vars:
    lab: "{{ 33 | netvirt.linux.grid(33) }}"

# A node reaches only its neighbours' ends of its own links (no routes): probe those addresses, not the
# neighbours' namespaces (which hold the addresses of their other links too).
- name: Node 0000 reaches its two neighbours, 0001 (link 0) and 0021 (link 1)
  netvirt.linux.reachability:
    probes:
      - {from: ns-0000, to: 10.0.0.2}
      - {from: ns-0000, to: 10.0.0.6}
'''

RETURN = r'''
_value:
  description:
    - Arguments of M(netvirt.linux.topology), that is C(name), C(ipv6_quiet), C(namespaces) (the nodes, row by
      row), C(bridges) (empty) and C(links) (each a veth C(ve-B) in node A's namespace with the link's first
      address, its C(peer) C(ve-A) in node B's with the second).
  type: dict
  sample:
    name: grid
    ipv6_quiet: true
    namespaces: [{name: ns-0000}, {name: ns-0001}, {name: ns-0002}, {name: ns-0003}]
    bridges: []
    links:
      - {name: ve-0001, netns: ns-0000, addresses: [10.0.0.1/30], peer: {name: ve-0000, netns: ns-0001, addresses: [10.0.0.2/30]}}
      - {name: ve-0002, netns: ns-0000, addresses: [10.0.0.5/30], peer: {name: ve-0000, netns: ns-0002, addresses: [10.0.0.6/30]}}
      - {name: ve-0003, netns: ns-0001, addresses: [10.0.0.9/30], peer: {name: ve-0001, netns: ns-0003, addresses: [10.0.0.10/30]}}
      - {name: ve-0003, netns: ns-0002, addresses: [10.0.0.13/30], peer: {name: ve-0002, netns: ns-0003, addresses: [10.0.0.14/30]}}
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.netvirt.linux.plugins.plugin_utils._generators import GeneratorError, MININET_IP_BASE, grid as _grid


def grid(x, y=None, name='grid', prefix='ns-', ip_base=MININET_IP_BASE, ipv6_quiet=True, link_prefix=30):
    try:
        return _grid(x, y, name=name, prefix=prefix, ip_base=ip_base, ipv6_quiet=ipv6_quiet, link_prefix=link_prefix)
    except GeneratorError as exc:
        raise AnsibleFilterError('netvirt.linux.grid: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'grid': grid}
