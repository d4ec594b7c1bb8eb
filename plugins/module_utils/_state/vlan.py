# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One 802.1Q / 802.1ad VLAN device on a parent (`ip link add link P name N type vlan id ID`);
QinQ by stacking (an 802.1Q vlan whose parent is an 802.1ad one). The plan is sublink.LinkKind's.

- The id and the protocol cannot be changed on an existing device (the kernel's vlan_changelink
  only takes flags and QoS maps): a change deletes the device and makes it again; so does a new parent.
- Two vlans of one parent with the same id and protocol are refused by the kernel (EEXIST):
  checked before it is asked, for the parent's namespace.
- The MTU cannot exceed the parent's (ERANGE): checked before the kernel is asked.
- The device may be made straight in another namespace than its parent's (IFLA_NET_NS_FD).

The kernel of the machines CI runs on is built without CONFIG_VLAN_8021Q: creation is refused there
with EOPNOTSUPP ("Unknown device type"); these rules come from the kernel's source
(net/8021q/vlan_netlink.c), not from a measurement on that kernel."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.netvirt.linux.plugins.module_utils._state import sublink
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError

VLAN_MIN, VLAN_MAX = 1, 4094
PROTOCOLS = ['802.1Q', '802.1ad']


def vlan_id(value, obj):
    if value is None:
        raise ValidationError("option id of %s: a VLAN id (1-4094) is required with state=present" % obj, 'id', obj)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("option id of %s: %r is not a VLAN id (1-4094)" % (obj, value), 'id', obj)
    if value < VLAN_MIN or value > VLAN_MAX:
        raise ValidationError("option id of %s: %d is out of range: a VLAN id is 1-4094 (0 and 4095 are reserved "
                              "by 802.1Q)" % (obj, value), 'id', obj)
    return value


class VlanKind(sublink.LinkKind):
    kind = 'vlan'
    returns = 'vlan'
    parent = True
    fields = ('id', 'protocol')
    fixed = ('id', 'protocol')
    argument_spec = sublink.spec(True, id={'type': 'int'},
                                 protocol={'type': 'str', 'choices': PROTOCOLS, 'default': '802.1Q'})

    def kind_desired(self, params, obj):
        return {'id': vlan_id(params.get('id'), obj), 'protocol': params['protocol']}

    def check_parent(self, desired, parent, links, netns, link):
        obj, want = desired['obj'], desired['vlan']
        for other_name, other in sorted(links.items()):
            mine = other_name == desired['name'] and desired['target_netns'] == desired['netns']
            data = other.get('vlan') or {}
            if mine or other.get('kind') != 'vlan' or (other.get('parent') or {}).get('name') != desired['link']:
                continue
            if data.get('id') == want['id'] and data.get('protocol') == want['protocol']:
                words = (obj, desired['link'], other_name, want['id'], want['protocol'])
                raise ValidationError("option id of %s: %s already carries vlan %s with id %d (%s); the kernel "
                                      "refuses a second one (EEXIST)" % words, 'id', obj)

    def describe(self, options):
        return 'id %s, protocol %s' % (options['id'], options['protocol'])
