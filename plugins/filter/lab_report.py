# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: lab_report
short_description: A self-contained HTML page about a lab - its picture, reachability matrix and last actions
version_added: 0.1.0
author:
  - netvirt.linux maintainers (@netvirt)
description:
  - Returns one HTML page (write it with M(ansible.builtin.copy) on the controller) holding
  - the lab's picture as inline SVG, drawn by Graphviz's C(dot) on the controller from the DOT text of
    P(netvirt.linux.lab_dot#filter); when C(dot) is not installed the page says so and how to install it, and
    shows the DOT text instead;
  - the reachability matrix of each M(netvirt.linux.reachability) result as a table, every cell coloured by
    its result - reachable, unreachable as expected, expectation not met (any probe of that source to that
    target missed its expectation), unreachable with nothing expected - with the probes' details as a tooltip;
  - the actions of the last apply, grouped by task.
  - The page loads nothing from anywhere (no script, no stylesheet, no font from a CDN); it opens without a
    network. Runs on the controller; the only program it runs is C(dot) (C(dot -Tsvg), never through a shell).
positional: _input
extends_documentation_fragment:
  - netvirt.linux.lab_graph
options:
  reachability:
    description:
      - A registered M(netvirt.linux.reachability) result, a list of them, or a dict of labels to them (one table
        each, under its label). A skipped task's result (no matrix) is left out.
    type: raw
  actions:
    description:
      - What the last apply did. A dict of labels to registered results (a result's C(actions), a loop's
        C(results[].actions), or a list of texts), shown in the order given, or one such value without a label.
    type: raw
  title:
    description: The page's title.
    type: str
    default: netvirt.linux lab
  dot_command:
    description:
      - The Graphviz program that renders the SVG, a name looked up on C(PATH) or a path. An empty string
        draws no SVG (the page then shows the DOT text).
    type: str
    default: dot
seealso:
  - plugin: netvirt.linux.lab_dot
    plugin_type: filter
  - module: netvirt.linux.net_info
  - module: netvirt.linux.reachability
'''

EXAMPLES = r'''
- name: Read the lab
  netvirt.linux.net_info:
    namespaces: [web, db, '']
  register: lab_info

- name: Probe it
  netvirt.linux.reachability:
    matrix: [web, db]
  register: lab_reach

- name: Write the report on the controller
  ansible.builtin.copy:
    dest: /tmp/lab-report.html
    content: "{{ lab_info | netvirt.linux.lab_report(reachability=lab_reach, actions={'the lab': lab_build}, title='my lab') }}"
    mode: "0644"
  delegate_to: localhost
'''

RETURN = r'''
_value:
  description: The HTML page.
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.netvirt.linux.plugins.plugin_utils._lab_graph import COLLAPSE, LabGraphError
from ansible_collections.netvirt.linux.plugins.plugin_utils._lab_report import LabReportError, report


def lab_report(data, reachability=None, actions=None, title='netvirt.linux lab', host='host', collapse=COLLAPSE,
               vxlan=None, dot_command='dot'):
    try:
        return report(data, reachability=reachability, actions=actions, title=title, host=host, collapse=collapse,
                      vxlan=vxlan, dot_command=dot_command)
    except (LabGraphError, LabReportError) as exc:
        raise AnsibleFilterError('netvirt.linux.lab_report: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'lab_report': lab_report}
