# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: single
short_description: Mininet's single-switch topology (k hosts on one switch) as netvirt.linux.topology arguments
version_added: 0.1.0
author:
  - netvirt.linux maintainers (@netvirt)
description:
  - Mininet's C(SingleSwitchTopo(k)) (C(mn --topo single,K), Mininet's default C(minimal) is V(2)) as the
    arguments of one M(netvirt.linux.topology) task.
  - One switch, the Linux bridge C(s1) in the namespace the task runs in; O(_input) hosts, the namespaces C(h1) ...
    C(hK), each with one veth C(hI-eth0) whose other end C(s1-ethI) is a port of C(s1).
  - Host addresses are Mininet's, from O(ip_base) in host order, C(h1) C(10.0.0.1/8), C(h2) C(10.0.0.2/8), ...
positional: _input
options:
  _input:
    description: The number of hosts (Mininet's C(k)), 1 to 1023 (a bridge takes 1023 ports).
    type: int
    required: true
  name:
    description: The topology's name (its ownership mark), O(netvirt.linux.topology#module:name) in the result.
    type: str
    default: single
  stp:
    description: Whether STP runs on the bridge (one bridge has no loops, so it needs none).
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
  - plugin: netvirt.linux.tree
    plugin_type: filter
'''

EXAMPLES = r'''
- name: Mininet's single,5 - h1..h5 on the bridge s1
  netvirt.linux.topology:
    name: "{{ lab.name }}"
    ipv6_quiet: "{{ lab.ipv6_quiet }}"
    namespaces: "{{ lab.namespaces }}"
    bridges: "{{ lab.bridges }}"
    links: "{{ lab.links }}"
  vars:
    lab: "{{ 5 | netvirt.linux.single }}"

- name: Pingall
  netvirt.linux.reachability:
    matrix: [h1, h2, h3, h4, h5]
'''

RETURN = r'''
_value:
  description:
    - Arguments of M(netvirt.linux.topology), that is C(name), C(ipv6_quiet), C(namespaces) (the hosts),
      C(bridges) (C(s1)) and C(links) (one veth per host, its C(name) end the port C(s1-ethI) of C(s1), its
      C(peer) the host's C(hI-eth0) with its address).
  type: dict
  sample:
    name: single
    ipv6_quiet: true
    namespaces: [{name: h1}, {name: h2}]
    bridges: [{name: s1, stp: false}]
    links:
      - {name: s1-eth1, master: s1, peer: {name: h1-eth0, netns: h1, addresses: [10.0.0.1/8]}}
      - {name: s1-eth2, master: s1, peer: {name: h2-eth0, netns: h2, addresses: [10.0.0.2/8]}}
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.netvirt.linux.plugins.plugin_utils._generators import GeneratorError, MININET_IP_BASE, single as _single


def single(k, name='single', prefix='', ip_base=MININET_IP_BASE, ipv6_quiet=True, stp=False,
           forward_delay=None, hello_time=None, max_age=None):
    try:
        return _single(k, name=name, prefix=prefix, ip_base=ip_base, ipv6_quiet=ipv6_quiet, stp=stp,
                       forward_delay=forward_delay, hello_time=hello_time, max_age=max_age)
    except GeneratorError as exc:
        raise AnsibleFilterError('netvirt.linux.single: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'single': single}
