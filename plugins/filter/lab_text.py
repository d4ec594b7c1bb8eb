# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: lab_text
short_description: A lab drawn from net_info results, as a text tree for the terminal
version_added: 0.1.0
author:
  - netvirt.linux maintainers (@netvirt)
description:
  - The same picture as P(netvirt.linux.lab_dot#filter) as an indented tree starting at the host node, with bridges
    and what hangs off them, veth pairs as C(<=end - end=>), vxlan links as C(~~vni N~~>); a node reached a
    second time is shown by its first line only, marked C(above). Several hosts get a heading each (C(== HOST ==));
    a link to a node of another host is one line, marked C(on HOST). Deterministic. Runs on the controller.
positional: _input
extends_documentation_fragment:
  - netvirt.linux.lab_graph
seealso:
  - plugin: netvirt.linux.lab_dot
    plugin_type: filter
  - module: netvirt.linux.net_info
'''

EXAMPLES = r'''
- name: Read the lab
  netvirt.linux.net_info:
    namespaces: [all]
  register: lab_info

- name: Print it (ANSIBLE_CALLBACK_RESULT_FORMAT=yaml prints the lines as they are)
  ansible.builtin.debug:
    msg: "{{ lab_info | netvirt.linux.lab_text }}"
'''

RETURN = r'''
_value:
  description: The tree, one line per node, ending in a newline.
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.netvirt.linux.plugins.plugin_utils._lab_graph import COLLAPSE, LabGraphError, text


def lab_text(data, host='host', collapse=COLLAPSE, vxlan=None):
    try:
        return text(data, host=host, collapse=collapse, vxlan=vxlan)
    except LabGraphError as exc:
        raise AnsibleFilterError('netvirt.linux.lab_text: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'lab_text': lab_text}
