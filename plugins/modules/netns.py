#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: netns
short_description: Manage named network namespaces
version_added: 0.1.0
description:
  - Create or delete a named network namespace under C(/var/run/netns), the same kind of namespace
    C(ip netns add) makes, and bring its loopback interface up or down.
  - A namespace can also be bound at an absolute path of its own, as Docker binds its containers'
    namespaces under C(/var/run/docker/netns); other modules then name it by that path in O(netns).
  - Namespaces are matched by their exact name; C(mario) is not taken to exist when only C(mario2) does.
  - A new namespace's C(lo) is down; this module brings it up unless O(loopback=false).
author:
  - netvirt.linux maintainers (@netvirt)
options:
  name:
    description:
      - The name of the namespace (a file name under C(/var/run/netns)), or an absolute path where the
        namespace is bound (missing parent folders are made).
      - A path whose file exists but is not a network namespace makes the task fail.
      - When not given, O(netns) is used, so that C(module_defaults) can name the namespace once for a play.
    type: str
  state:
    description:
      - V(present) creates the namespace when it is missing; V(absent) deletes it.
      - Deleting a namespace deletes the interfaces that live in it (a veth's other end goes too).
    type: str
    choices: [present, absent]
    default: present
  loopback:
    description:
      - Whether C(lo) inside the namespace is up. Ignored when O(state=absent).
    type: bool
    default: true
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
notes:
  - O(netns) here only stands in for O(name); a PID cannot be created, so O(name) is required then.
seealso:
  - module: netvirt.linux.veth
  - module: netvirt.linux.net_info
'''

EXAMPLES = r'''
- name: Create namespace ns0 with lo up
  netvirt.linux.netns:
    name: ns0

- name: Create a namespace whose loopback stays down
  netvirt.linux.netns:
    name: isolated
    loopback: false

- name: A namespace bound where Docker binds its containers' namespaces
  netvirt.linux.netns:
    name: /var/run/docker/netns/1a2b3c4d5e6f

- name: Remove namespace ns0 again
  netvirt.linux.netns:
    name: ns0
    state: absent

# module_defaults names the namespace once for every module of the collection (group netvirt), here
# for a block; set on a play, it does the same for the whole play.
- name: Name the namespace once for a group of tasks
  module_defaults:
    group/netvirt.linux.netvirt:
      netns: red
  block:
    - name: Create the namespace the group names
      netvirt.linux.netns: {}

    - name: Forwarding on in that namespace
      netvirt.linux.sysctl:
        name: net.ipv4.ip_forward
        value: "1"
'''

RETURN = r'''
namespace:
  description: The namespace after the task (in check mode, as it would be).
  returned: always
  type: dict
  contains:
    name:
      description: Its name.
      type: str
      sample: ns0
    path:
      description: The file that stands for it.
      type: str
      sample: /var/run/netns/ns0
    exists:
      description: Whether it exists.
      type: bool
      sample: true
    nsid:
      description: Same as RV(nsid).
      type: int
      sample: 0
    inode:
      description:
        - The namespace's inode number, the one C(readlink /proc/PID/ns/net) shows as C(net:[INODE])
          for the processes inside it. Null in check mode and when absent.
      type: int
      sample: 4026532281
nsid:
  description:
    - The id under which the module's own namespace knows this one (C(ip netns list) shows it as C(id)),
      or null when none is assigned yet. Ids are given by the kernel once a link crosses between the two.
  returned: always
  type: int
  sample: 0
actions:
  description: What the task did, or would do in check mode, in order.
  returned: always
  type: list
  elements: str
  sample: ["create namespace ns0", "ns0: set lo up"]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._state.netns import NetnsKind
from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run


def main():
    run(NetnsKind())


if __name__ == '__main__':
    main()
