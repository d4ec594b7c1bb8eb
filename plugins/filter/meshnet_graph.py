# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: meshnet_graph
short_description: A meshnet-lab JSON graph (nodes and links) as netvirt.linux.topology arguments
version_added: 0.1.0
author:
  - netvirt.linux maintainers (@netvirt)
description:
  - Reads a network in meshnet-lab's JSON format (its C(data/) files, or what its C(topology.py) writes), an
    object with a list C(links) of objects with C(source) and C(target) and an optional list C(nodes) of objects
    with an C(id), and returns the arguments of one M(netvirt.linux.topology) task.
  - Every node is a namespace C(ns-ID); every link a veth straight between the two nodes' namespaces, the end in
    node A towards node B named C(ve-B), with a /30 of its own (O(link_prefix)) from O(ip_base) in link order
    (the C(source) end gets the first address).
  - As in meshnet-lab, C(source) and C(target) are interchangeable, a node id is a string or a number of 1 to 6
    letters, digits, C(_) or C(-), C(nodes) is optional (a node a link names is added), and other fields are
    ignored. A link given twice (either way round) counts once; a link from a node to itself fails.
  - Nodes come in the order of C(nodes), then those only links name, in the order they first appear.
positional: _input
options:
  _input:
    description: The graph, a dict (parsed JSON) or JSON text (C(lookup('ansible.builtin.file', 'graph.json'))).
    type: raw
    required: true
  name:
    description: The topology's name (its ownership mark), O(netvirt.linux.topology#module:name) in the result.
    type: str
    default: meshnet
extends_documentation_fragment:
  - netvirt.linux.generators
  - netvirt.linux.generators.LINKS
seealso:
  - module: netvirt.linux.topology
  - plugin: netvirt.linux.grid
    plugin_type: filter
'''

EXAMPLES = r'''
- name: meshnet-lab's two_hop.json (0000 - 0001 - 0002)
  netvirt.linux.topology:
    name: "{{ lab.name }}"
    ipv6_quiet: "{{ lab.ipv6_quiet }}"
    namespaces: "{{ lab.namespaces }}"
    links: "{{ lab.links }}"
  vars:
    lab: "{{ lookup('ansible.builtin.file', 'two_hop.json') | netvirt.linux.meshnet_graph }}"

- name: A graph written inline, IPv6 left on for a routing protocol
  netvirt.linux.topology: "{{ graph | netvirt.linux.meshnet_graph(name='mesh', ipv6_quiet=false) }}"
  vars:
    graph:
      links:
        - {source: a, target: b}
        - {source: b, target: c}
'''

RETURN = r'''
_value:
  description:
    - Arguments of M(netvirt.linux.topology), that is C(name), C(ipv6_quiet), C(namespaces) (the nodes),
      C(bridges) (empty) and C(links) (each a veth C(ve-B) in node A's namespace with the link's first address,
      its C(peer) C(ve-A) in node B's with the second).
  type: dict
  sample:
    name: meshnet
    ipv6_quiet: true
    namespaces: [{name: ns-a}, {name: ns-b}, {name: ns-c}]
    bridges: []
    links:
      - {name: ve-b, netns: ns-a, addresses: [10.0.0.1/30], peer: {name: ve-a, netns: ns-b, addresses: [10.0.0.2/30]}}
      - {name: ve-c, netns: ns-b, addresses: [10.0.0.5/30], peer: {name: ve-b, netns: ns-c, addresses: [10.0.0.6/30]}}
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.netvirt.linux.plugins.plugin_utils._generators import GeneratorError, MININET_IP_BASE, meshnet_graph as _graph


def meshnet_graph(data, name='meshnet', prefix='ns-', ip_base=MININET_IP_BASE, ipv6_quiet=True, link_prefix=30):
    try:
        return _graph(data, name=name, prefix=prefix, ip_base=ip_base, ipv6_quiet=ipv6_quiet, link_prefix=link_prefix)
    except GeneratorError as exc:
        raise AnsibleFilterError('netvirt.linux.meshnet_graph: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'meshnet_graph': meshnet_graph}
