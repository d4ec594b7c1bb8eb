# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: linear
short_description: Mininet's linear topology (k switches in a line, n hosts on each) as netvirt.linux.topology arguments
version_added: 0.1.0
author:
  - netvirt.linux maintainers (@netvirt)
description:
  - Mininet's C(LinearTopo(k, n)) (C(mn --topo linear,K,N)) as the arguments of one M(netvirt.linux.topology) task.
  - O(_input) switches, the Linux bridges C(s1) ... C(sK) in the namespace the task runs in, each linked to the one
    before it by a veth between the two bridges (both ends in the task's namespace, each end a port of one
    bridge); O(n) hosts on each switch, namespaces with one veth C(HOST-eth0) to it.
  - Host names are Mininet's, C(h1) ... C(hK) when O(n) is V(1), else C(hJsI) for host J of switch I. Port names
    are Mininet's C(sI-ethP), numbered from 1 in the order Mininet adds the links (the hosts first, then the
    link to the switch before).
  - Host addresses are Mininet's, from O(ip_base) in the natural order of the host names (C(h1s1), C(h1s2), ...,
    C(h2s1), ...), the first C(10.0.0.1/8).
positional: _input, n
options:
  _input:
    description: The number of switches (Mininet's C(k)).
    type: int
    required: true
  n:
    description: Hosts on each switch (Mininet's C(n)), at most 1021 (a bridge takes 1023 ports, two of them links to its neighbours).
    type: int
    default: 1
  name:
    description: The topology's name (its ownership mark), O(netvirt.linux.topology#module:name) in the result.
    type: str
    default: linear
  stp:
    description: Whether STP runs on the bridges (a line has no loops, so it needs none).
    type: bool
    default: false
extends_documentation_fragment:
  - netvirt.linux.generators
  - netvirt.linux.generators.MININET
seealso:
  - module: netvirt.linux.topology
  - module: netvirt.linux.reachability
  - plugin: netvirt.linux.single
    plugin_type: filter
  - plugin: netvirt.linux.tree
    plugin_type: filter
'''

EXAMPLES = r'''
- name: Mininet's linear,5 - s1..s5 in a line, h1..h5 one on each
  netvirt.linux.topology:
    name: "{{ lab.name }}"
    ipv6_quiet: "{{ lab.ipv6_quiet }}"
    namespaces: "{{ lab.namespaces }}"
    bridges: "{{ lab.bridges }}"
    links: "{{ lab.links }}"
  vars:
    lab: "{{ 5 | netvirt.linux.linear }}"

- name: Two hosts on each of four switches (h1s1, h2s1, ..., h2s4), prefixed, in 192.168.7.0/24
  netvirt.linux.topology: "{{ 4 | netvirt.linux.linear(2, name='line4', prefix='l4-', ip_base='192.168.7.0/24') }}"
'''

RETURN = r'''
_value:
  description:
    - Arguments of M(netvirt.linux.topology), that is C(name), C(ipv6_quiet), C(namespaces) (the hosts, in address
      order), C(bridges) (C(s1) ... C(sK)) and C(links) (in Mininet's order, each a veth whose C(name) end is a port
      of a bridge and whose C(peer) is a host's C(HOST-eth0) with its address, or the port of the switch before).
  type: dict
  sample:
    name: linear
    ipv6_quiet: true
    namespaces: [{name: h1}, {name: h2}]
    bridges: [{name: s1, stp: false}, {name: s2, stp: false}]
    links:
      - {name: s1-eth1, master: s1, peer: {name: h1-eth0, netns: h1, addresses: [10.0.0.1/8]}}
      - {name: s2-eth1, master: s2, peer: {name: h2-eth0, netns: h2, addresses: [10.0.0.2/8]}}
      - {name: s2-eth2, master: s2, peer: {name: s1-eth2, master: s1}}
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.netvirt.linux.plugins.plugin_utils._generators import GeneratorError, MININET_IP_BASE, linear as _linear


def linear(k, n=1, name='linear', prefix='', ip_base=MININET_IP_BASE, ipv6_quiet=True, stp=False,
           forward_delay=None, hello_time=None, max_age=None):
    try:
        return _linear(k, n, name=name, prefix=prefix, ip_base=ip_base, ipv6_quiet=ipv6_quiet, stp=stp,
                       forward_delay=forward_delay, hello_time=hello_time, max_age=max_age)
    except GeneratorError as exc:
        raise AnsibleFilterError('netvirt.linux.linear: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'linear': linear}
