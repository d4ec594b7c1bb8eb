# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: lab_dot
short_description: A lab drawn from net_info results, as Graphviz DOT text
version_added: 0.1.0
author:
  - netvirt.linux maintainers (@netvirt)
description:
  - Turns what M(netvirt.linux.net_info) read (one host, or several hosts gathered) into a Graphviz C(graph)
    in DOT, with namespaces, bridges, tun/tap and vxlan devices as nodes, veth pairs, bridge ports and vxlan links
    as edges, one cluster per host when several hosts are drawn.
  - The text is deterministic (the same lab gives the same text; node ids are made from names), so it can be
    kept and compared. Each node has an C(id) (its node id) and a C(class) (its kind), which C(dot -Tsvg) carries
    into the SVG.
  - Runs on the controller; needs nothing but Python (render the text with C(dot -Tsvg), or use
    P(netvirt.linux.lab_report#filter), which does).
positional: _input
extends_documentation_fragment:
  - netvirt.linux.lab_graph
options:
  title:
    description: The graph's name.
    type: str
    default: lab
seealso:
  - plugin: netvirt.linux.lab_mermaid
    plugin_type: filter
  - plugin: netvirt.linux.lab_report
    plugin_type: filter
  - module: netvirt.linux.net_info
'''

EXAMPLES = r'''
- name: Read the lab
  netvirt.linux.net_info:
    namespaces: [all]
  register: lab_info

- name: Write it as DOT on the controller (render it with dot -Tsvg lab.dot > lab.svg)
  ansible.builtin.copy:
    dest: /tmp/lab.dot
    content: "{{ lab_info | netvirt.linux.lab_dot }}"
    mode: "0644"
  delegate_to: localhost

- name: Several hosts in one picture, a cluster each, their vxlan devices joined
  ansible.builtin.copy:
    dest: /tmp/overlay.dot
    content: "{{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, 'lab_info')))
                 | netvirt.linux.lab_dot(vxlan=overlay_devices) }}"
    mode: "0644"
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
_value:
  description: The DOT text (a C(graph), ending in a newline).
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.netvirt.linux.plugins.plugin_utils._lab_graph import COLLAPSE, LabGraphError, dot


def lab_dot(data, host='host', collapse=COLLAPSE, vxlan=None, title='lab'):
    try:
        return dot(data, host=host, collapse=collapse, vxlan=vxlan, title=title)
    except LabGraphError as exc:
        raise AnsibleFilterError('netvirt.linux.lab_dot: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'lab_dot': lab_dot}
