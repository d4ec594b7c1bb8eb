# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: torus
short_description: Mininet's 2-D torus topology (x by y switches, STP on) as netvirt.linux.topology arguments
version_added: 0.1.0
author:
  - netvirt.linux maintainers (@netvirt)
description:
  - Mininet's C(TorusTopo(x, y, n)) (C(mn --topo torus,X,Y --switch lxbr,stp=1)) as the arguments of one
    M(netvirt.linux.topology) task.
  - An O(_input) by O(y) grid of switches, the Linux bridges C(sIxJ) in the namespace the task runs in, each
    linked to its neighbour in both directions and wrapped round at the edges (C(s1x3) to C(s1x1)), by veths
    between two bridges (both ends in the task's namespace, each end a port of one bridge); O(n) hosts on each
    switch, namespaces C(hIxJ) (C(hIxJxK) when O(n) is more than 1) with one veth C(HOST-eth0) to it.
  - The switches form loops, so STP runs on the bridges (O(stp) cannot be V(false)); a port forwards about
    2 x O(forward_delay) after it comes up (8 s with the defaults), so wait before probing (a
    M(netvirt.linux.reachability) task with C(retries) and C(until)).
  - Host addresses are Mininet's, from O(ip_base) in host order, C(h1x1) C(10.0.0.1/8), C(h1x2) C(10.0.0.2/8), ...
positional: _input, y
options:
  _input:
    description: Switches in the x direction, at least 3 (Mininet's C(x)).
    type: int
    required: true
  y:
    description: Switches in the y direction, at least 3 (Mininet's C(y)).
    type: int
    required: true
  n:
    description: Hosts on each switch (Mininet's C(n)).
    type: int
    default: 1
  name:
    description: The topology's name (its ownership mark), O(netvirt.linux.topology#module:name) in the result.
    type: str
    default: torus
  stp:
    description: Whether STP runs on the bridges; a torus needs it, V(false) fails.
    type: bool
    default: true
extends_documentation_fragment:
  - netvirt.linux.generators
  - netvirt.linux.generators.MININET
seealso:
  - module: netvirt.linux.topology
  - module: netvirt.linux.reachability
  - module: netvirt.linux.bridge
  - plugin: netvirt.linux.tree
    plugin_type: filter
'''

EXAMPLES = r'''
- name: Mininet's torus,3,3 with STP on the bridges
  netvirt.linux.topology:
    name: "{{ lab.name }}"
    ipv6_quiet: "{{ lab.ipv6_quiet }}"
    namespaces: "{{ lab.namespaces }}"
    bridges: "{{ lab.bridges }}"
    links: "{{ lab.links }}"
  vars:
    lab: "{{ 3 | netvirt.linux.torus(3) }}"

- name: Pingall once STP has converged (a bounded wait)
  netvirt.linux.reachability:
    matrix: "{{ (3 | netvirt.linux.torus(3)).namespaces | map(attribute='name') | list }}"
  register: pingall
  retries: 15
  delay: 2
  until: pingall is succeeded
'''

RETURN = r'''
_value:
  description:
    - Arguments of M(netvirt.linux.topology), that is C(name), C(ipv6_quiet), C(namespaces) (the hosts),
      C(bridges) (C(s1x1) ... with C(stp) on and the timers) and C(links) (in Mininet's order, the host links
      first, then each switch's links to its next neighbours in y and in x).
  type: dict
  sample:
    name: torus
    ipv6_quiet: true
    namespaces: [{name: h1x1}, {name: h1x2}, "..."]
    bridges: [{name: s1x1, stp: true, forward_delay: 4.0, hello_time: 1.0, max_age: 6.0}, "..."]
    links:
      - {name: s1x1-eth1, master: s1x1, peer: {name: h1x1-eth0, netns: h1x1, addresses: [10.0.0.1/8]}}
      - "..."
      - {name: s1x1-eth2, master: s1x1, peer: {name: s1x2-eth2, master: s1x2}}
      - {name: s1x1-eth3, master: s1x1, peer: {name: s2x1-eth2, master: s2x1}}
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.netvirt.linux.plugins.plugin_utils._generators import GeneratorError, MININET_IP_BASE, torus as _torus


def torus(x, y=None, n=1, name='torus', prefix='', ip_base=MININET_IP_BASE, ipv6_quiet=True, stp=True,
          forward_delay=None, hello_time=None, max_age=None):
    try:
        return _torus(x, y, n, name=name, prefix=prefix, ip_base=ip_base, ipv6_quiet=ipv6_quiet, stp=stp,
                      forward_delay=forward_delay, hello_time=hello_time, max_age=max_age)
    except GeneratorError as exc:
        raise AnsibleFilterError('netvirt.linux.torus: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'torus': torus}
