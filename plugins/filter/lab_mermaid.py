# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: lab_mermaid
short_description: A lab drawn from net_info results, as a Mermaid flowchart
version_added: 0.1.0
author:
  - netvirt.linux maintainers (@netvirt)
description:
  - The same picture as P(netvirt.linux.lab_dot#filter) as Mermaid text (C(flowchart LR)), which GitHub, GitLab
    and many wikis draw from a C(mermaid) code block. Several hosts become one C(subgraph) each.
  - Deterministic, like P(netvirt.linux.lab_dot#filter). Runs on the controller.
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

- name: Print it as Mermaid (paste it into a mermaid code block)
  ansible.builtin.debug:
    msg: "{{ lab_info | netvirt.linux.lab_mermaid }}"
'''

RETURN = r'''
_value:
  description: The Mermaid text, ending in a newline.
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.netvirt.linux.plugins.plugin_utils._lab_graph import COLLAPSE, LabGraphError, mermaid


def lab_mermaid(data, host='host', collapse=COLLAPSE, vxlan=None):
    try:
        return mermaid(data, host=host, collapse=collapse, vxlan=vxlan)
    except LabGraphError as exc:
        raise AnsibleFilterError('netvirt.linux.lab_mermaid: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'lab_mermaid': lab_mermaid}
