#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: sysctl
short_description: Set a network sysctl key (net.*) inside a network namespace
version_added: 0.1.0
description:
  - Set one C(net.*) kernel key (C(net.ipv4.ip_forward), C(net.ipv4.conf.all.route_localnet),
    C(net.ipv6.conf.all.disable_ipv6), C(net.ipv4.conf.eth0.rp_filter), ...) in one network namespace.
    Each namespace has its own copy of these keys, so a change made here affects that namespace only.
  - The key is read and written through C(/proc/sys) from inside the namespace; nothing is written to
    C(/etc/sysctl.conf) or C(/etc/sysctl.d), so the setting lasts as long as the namespace (a namespace
    starts with the kernel's defaults, not with the host's values).
  - Values are compared the way the kernel prints them, with runs of white space taken as one space, so
    C(4096 87380 6291456) matches a value the kernel shows with tabs.
  - A value holding a line break or another control character (a tab excepted) is refused before anything
    is written, as the kernel would take the first number, and the rest would be written again as the next value.
  - There is no O(state=absent); a kernel key always has a value. Set the value you want instead.
  - Keys outside C(net.*) (C(kernel.*), C(vm.*), C(fs.*), ...) are shared by the whole host or not about
    networking, and are refused; use M(ansible.posix.sysctl) for them.
author:
  - netvirt.linux maintainers (@netvirt)
options:
  name:
    description:
      - The key, in the dotted form (C(net.ipv4.conf.eth0.rp_filter)) or the slash form of its path under
        C(/proc/sys) (C(net/ipv4/conf/eth0/rp_filter)), without a leading C(/).
      - Interface names may contain dots. In the dotted form of C(net.ipv4.conf.IFACE.KEY),
        C(net.ipv6.conf.IFACE.KEY) and C(net.ipv{4,6}.neigh.IFACE.KEY) everything between the
        fourth part and the last is the interface (C(net.ipv4.conf.eth0.100.forwarding) is interface
        C(eth0.100)); elsewhere write the slash form (C(net/ipv4/conf/eth0.100/forwarding)) or, as
        sysctl(8) does, C(/) for a dot inside one part (C(net.ipv4.conf.eth0/100.forwarding)).
      - "Each part may hold letters, digits and C(_ . - @ : +); empty parts and C(..) are refused."
      - A key that does not exist in the namespace (for example about an interface that is not there)
        makes the task fail naming the key and the namespace. In check mode, a key about an interface
        that is not there yet is planned with a warning, assuming an earlier task creates the interface.
    type: str
    required: true
  value:
    description:
      - The value to set. V(yes)/V(true)/V(on) are written as C(1), V(no)/V(false)/V(off) as C(0),
        as M(ansible.posix.sysctl) does. Quote numbers in YAML (C("1")).
      - Runs of white space are written as one space.
    type: str
    required: true
  state:
    description:
      - Only V(present) (the key has O(value)). A kernel key cannot be absent.
    type: str
    choices: [present]
    default: present
  verify:
    description:
      - After writing, read the key back and fail, naming the key, when the kernel kept another value
        (it may clamp, reject or rewrite what it is given, for example a hexadecimal number).
      - With V(false) the value read back is returned but not checked.
    type: bool
    default: true
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
notes:
  - The module's own namespace is the host's when O(netns) is not set; setting C(net.ipv4.ip_forward) there
    turns the host into a router. Name the namespace to change only that one.
seealso:
  - module: ansible.posix.sysctl
  - module: netvirt.linux.netns
  - module: netvirt.linux.net_info
'''

EXAMPLES = r'''
- name: Let namespace router forward IPv4 packets between its interfaces (it becomes a router)
  netvirt.linux.sysctl:
    netns: router
    name: net.ipv4.ip_forward
    value: "1"

- name: Turn off IPv6 in a namespace (new interfaces there get no link-local address)
  netvirt.linux.sysctl:
    netns: ns1
    name: net.ipv6.conf.all.disable_ipv6
    value: "1"

- name: Loose reverse-path filtering on one interface of a container, addressed by its PID
  netvirt.linux.sysctl:
    netns: 4242
    name: net.ipv4.conf.eth0.rp_filter
    value: "2"

- name: Forwarding on a VLAN interface, slash form because of the dot in its name
  netvirt.linux.sysctl:
    netns: ns1
    name: net/ipv4/conf/eth0.100/forwarding
    value: "1"

- name: A key with several numbers
  netvirt.linux.sysctl:
    netns: ns1
    name: net.ipv4.tcp_rmem
    value: "4096 87380 6291456"
'''

RETURN = r'''
name:
  description: The key in the dotted form sysctl(8) prints (a dot inside one part written as C(/)).
  returned: always
  type: str
  sample: net.ipv4.ip_forward
value:
  description:
    - The value after the task, white space runs as one space. Read back from the kernel after a write;
      in check mode, the value that would be written.
  returned: always
  type: str
  sample: "1"
previous_value:
  description:
    - The value before the task. Null in check mode when the namespace or the interface the key is about does
      not exist yet.
  returned: always
  type: str
  sample: "0"
netns:
  description: The namespace the key was set in (null for the module's own namespace).
  returned: always
  type: raw
  sample: router
actions:
  description: What the task did, or would do in check mode, in order.
  returned: always
  type: list
  elements: str
  sample: ["router: set sysctl net.ipv4.ip_forward to '1'"]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run
from ansible_collections.netvirt.linux.plugins.module_utils._state.sysctl import SysctlKind


def main():
    run(SysctlKind())


if __name__ == '__main__':
    main()
