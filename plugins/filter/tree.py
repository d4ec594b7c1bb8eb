# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: tree
short_description: Mininet's tree topology (depth, fanout) as netvirt.linux.topology arguments
version_added: 0.1.0
author:
  - netvirt.linux maintainers (@netvirt)
description:
  - Mininet's C(TreeTopo(depth, fanout)) (C(mn --topo tree,DEPTH,FANOUT)) as the arguments of one
    M(netvirt.linux.topology) task. A switch at every inner node with O(fanout) children, O(_input) levels
    of switches, hosts at the leaves, so C(fanout ** depth) hosts and C((fanout ** depth - 1) / (fanout - 1))
    switches.
  - Switches are Linux bridges C(s1), C(s2), ... in the namespace the task runs in (C(s1) the root, numbered
    depth first as Mininet does); hosts are namespaces C(h1) ... C(hN), each with one veth C(hI-eth0) whose
    other end is a port of its switch; a switch-to-switch link is a veth between two bridges, both ends in the
    task's namespace, each end a port of one bridge. Port names are Mininet's C(sJ-ethP), numbered from 1 in
    the order Mininet adds the links.
  - Host addresses are Mininet's, from O(ip_base) in host order, C(h1) C(10.0.0.1/8), C(h2) C(10.0.0.2/8), ...
    There are no loops, so STP is off unless O(stp) says otherwise.
  - Mininet's C(tree1024) example is C(2 | netvirt.linux.tree(32)), 1024 hosts on 32 leaf switches.
positional: _input, fanout
options:
  _input:
    description: The depth (levels of switches), 1 to 64 (Mininet's C(depth)).
    type: int
    required: true
  fanout:
    description: Children of every switch (Mininet's C(fanout)); at most 1022 (a bridge takes 1023 ports, one of them the uplink).
    type: int
    default: 2
  name:
    description: The topology's name (its ownership mark), O(netvirt.linux.topology#module:name) in the result.
    type: str
    default: tree
  stp:
    description:
      - Whether STP runs on the bridges (a tree has no loops, so it needs none).
      - With STP on, a port forwards about 2 x O(forward_delay) after it comes up.
    type: bool
    default: false
extends_documentation_fragment:
  - netvirt.linux.generators
  - netvirt.linux.generators.MININET
seealso:
  - module: netvirt.linux.topology
  - module: netvirt.linux.reachability
  - plugin: netvirt.linux.linear
    plugin_type: filter
  - plugin: netvirt.linux.torus
    plugin_type: filter
'''

EXAMPLES = r'''
- name: Mininet's tree,2,3 - 9 hosts on 3 leaf switches under s1
  netvirt.linux.topology:
    name: "{{ lab.name }}"
    ipv6_quiet: "{{ lab.ipv6_quiet }}"
    namespaces: "{{ lab.namespaces }}"
    bridges: "{{ lab.bridges }}"
    links: "{{ lab.links }}"
  vars:
    lab: "{{ 2 | netvirt.linux.tree(3) }}"

- name: Every pair of hosts can ping each other (Mininet's pingall)
  netvirt.linux.reachability:
    matrix: "{{ (2 | netvirt.linux.tree(3)).namespaces | map(attribute='name') | list }}"

# The whole result as the task's arguments works too; Ansible warns that a template for the task's
# arguments is unsafe when its data is not trusted.
- name: Mininet's tree1024 beside it, prefixed, in 10.1.0.0/16
  netvirt.linux.topology: "{{ 2 | netvirt.linux.tree(fanout=32, name='tree1024', prefix='t-', ip_base='10.1.0.0/16') }}"

- name: Remove both labs (the lists are ignored with state absent)
  netvirt.linux.topology:
    name: "{{ item }}"
    state: absent
  loop: [tree, tree1024]
'''

RETURN = r'''
_value:
  description:
    - Arguments of M(netvirt.linux.topology), that is C(name), C(ipv6_quiet), C(namespaces) (the hosts, in host order),
      C(bridges) (the switches C(s1) ... with C(stp) and the timers given), C(links) (in Mininet's order, each a
      veth whose C(name) end is a bridge port with C(master) and whose C(peer) is the host's C(hI-eth0) with its
      address in its namespace, or the port of the other bridge).
  type: dict
  sample:
    name: tree
    ipv6_quiet: true
    namespaces: [{name: h1}, {name: h2}, {name: h3}, {name: h4}]
    bridges: [{name: s1, stp: false}, {name: s2, stp: false}, {name: s3, stp: false}]
    links:
      - {name: s2-eth1, master: s2, peer: {name: h1-eth0, netns: h1, addresses: [10.0.0.1/8]}}
      - {name: s2-eth2, master: s2, peer: {name: h2-eth0, netns: h2, addresses: [10.0.0.2/8]}}
      - {name: s1-eth1, master: s1, peer: {name: s2-eth3, master: s2}}
      - {name: s3-eth1, master: s3, peer: {name: h3-eth0, netns: h3, addresses: [10.0.0.3/8]}}
      - {name: s3-eth2, master: s3, peer: {name: h4-eth0, netns: h4, addresses: [10.0.0.4/8]}}
      - {name: s1-eth2, master: s1, peer: {name: s3-eth3, master: s3}}
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.netvirt.linux.plugins.plugin_utils._generators import GeneratorError, MININET_IP_BASE, tree as _tree


def tree(depth, fanout=2, name='tree', prefix='', ip_base=MININET_IP_BASE, ipv6_quiet=True, stp=False,
         forward_delay=None, hello_time=None, max_age=None):
    try:
        return _tree(depth, fanout, name=name, prefix=prefix, ip_base=ip_base, ipv6_quiet=ipv6_quiet, stp=stp,
                     forward_delay=forward_delay, hello_time=hello_time, max_age=max_age)
    except GeneratorError as exc:
        raise AnsibleFilterError('netvirt.linux.tree: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'tree': tree}
