# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One macvlan device: its own MAC address on a parent Ethernet device (Docker's and CNI's macvlan).
The plan is sublink.LinkKind's; here are the macvlan's options and what the kernel refuses.

Measured on kernel 6.18 (pyroute2 0.7.2 and 0.9.7 alike):

- The mode is changed in place between private, vepa, bridge and source; to or from passthru the
  kernel refuses it (EINVAL): the device is deleted and created again.
- The parent cannot be changed: a new parent means a new device.
- A parent that is a port of a bridge is refused (EBUSY: the bridge holds its receive hook), and so
  is making the parent of a macvlan a bridge port afterwards (EBUSY). A bridge itself can be a parent.
- passthru takes the parent alone: a second passthru, or any macvlan beside a passthru one, or a
  passthru beside others, is refused (EINVAL).
- The loopback device cannot be a parent (EINVAL); a parent that does not exist: ENODEV.
- A macvlan on a macvlan is made by the kernel on the first one's parent: refused here, naming it.
- Mode source: the kernel takes frames from the listed source MACs only
  (IFLA_MACVLAN_MACADDR_MODE add/del one MAC each); the list is read back in IFLA_MACVLAN_MACADDR_DATA.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.netvirt.linux.plugins.module_utils._state import sublink, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import ns_label

MODES = ['bridge', 'private', 'vepa', 'passthru', 'source']


class MacvlanKind(sublink.LinkKind):
    kind = 'macvlan'
    returns = 'macvlan'
    parent = True
    fields = ('mode', 'macs')
    mutable = ('mode',)
    argument_spec = sublink.spec(True, mode={'type': 'str', 'choices': MODES, 'default': 'bridge'},
                                 macs={'type': 'list', 'elements': 'str'})

    def kind_desired(self, params, obj):
        mode = params['mode']
        macs = params.get('macs')
        if macs is not None:
            if mode != 'source':
                raise ValidationError("option macs of %s: source MAC addresses are for mode source, not %s"
                                      % (obj, mode), 'macs', obj)
            macs = [validate.mac(m, 'macs', obj) for m in macs]
            validate.unique(macs, 'macs', obj)
            macs = sorted(macs)
        return {'mode': mode, 'macs': macs}

    def differ_more(self, want, have):
        if (want['mode'] == 'passthru') != (have.get('mode') == 'passthru'):
            return ['mode']
        return []

    def check_parent(self, desired, parent, links, netns, link):
        obj, name = desired['obj'], desired['link']
        if parent.get('kind') == 'loopback':
            raise ValidationError("option link of %s: '%s' is the loopback device, which cannot carry a macvlan "
                                  "(the kernel refuses it: EINVAL)" % (obj, name), 'link', obj)
        if parent.get('kind') == 'macvlan':
            under = (parent.get('parent') or {}).get('name')
            raise ValidationError("option link of %s: '%s' is itself a macvlan%s; the kernel would make this one "
                                  "on that parent instead: give it as option link"
                                  % (obj, name, ' (on %s)' % under if under else ''), 'link', obj)
        master = parent.get('master')
        if master:
            what = (links.get(master) or {}).get('kind') or 'device'
            raise ValidationError("option link of %s: '%s' is a port of %s %s in %s; the kernel refuses a macvlan "
                                  "on a port (EBUSY: the %s holds its receive hook)"
                                  % (obj, name, what, master, ns_label(netns), what), 'link', obj)
        mode = desired['macvlan']['mode']
        for other_name, other in sorted(links.items()):
            mine = other_name == desired['name'] and desired['target_netns'] == desired['netns']
            if mine or other.get('kind') != 'macvlan' or (other.get('parent') or {}).get('name') != name:
                continue
            other_mode = (other.get('macvlan') or {}).get('mode')
            if mode == 'passthru' or other_mode == 'passthru':
                raise ValidationError("option mode of %s: %s already carries macvlan %s (mode %s); a passthru "
                                      "macvlan takes its parent alone, so the kernel refuses this one (EINVAL)"
                                      % (obj, name, other_name, other_mode), 'mode', obj)

    def plan_more(self, plan, ref, name, short, desired, have, after_kind):
        """Exactly ``macs`` as the source MACs: stale ones first, then new ones. A device made now
        or one leaving mode source has none."""
        want = desired['macvlan']
        have_macs = list((have or {}).get('macs') or []) if (have or {}).get('mode') == 'source' else []
        if want['mode'] != 'source':
            after_kind['macs'] = []
            return
        if want['macs'] is None:
            after_kind['macs'] = have_macs
            return
        for mac in have_macs:
            if mac not in want['macs']:
                plan.add('link_set', ref, short, {'name': name, 'macvlan_mac': {'op': 'del', 'mac': mac}},
                         option='macs', text='remove source MAC %s from %s' % (mac, short))
        for mac in want['macs']:
            if mac not in have_macs:
                plan.add('link_set', ref, short, {'name': name, 'macvlan_mac': {'op': 'add', 'mac': mac}},
                         option='macs', text='add source MAC %s to %s' % (mac, short))
        after_kind['macs'] = list(want['macs'])

    def describe(self, options):
        return 'mode %s' % options['mode']
