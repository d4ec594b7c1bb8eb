# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bonds: one bond device in one namespace, its options and its ports.

Kernel rules this planner follows (measured on Linux 6.1, user-mode Linux with the bonding module,
pyroute2 0.7.2 and 0.9.7; the kernel of the CI machines has no bonding at all):

- The mode cannot be changed while the bond has ports (ENOTEMPTY) nor while it is up (EBUSY): a
  bond whose mode differs is deleted and created again, said in the action, and its ports are taken
  back by the new one; the undo makes the old bond again with its ports.
- miimon, arp_interval, arp_ip_target, xmit_hash_policy, lacp_rate and primary are changed in place.
- lacp_rate outside 802.3ad, and primary outside active-backup/balance-tlb/balance-alb, are refused
  (EACCES): refused here before the kernel.
- Setting arp_interval turns miimon off silently (and the other way round): both above 0 are refused.
- A primary that is not a port of the bond is taken silently and then ignored (none is read back):
  refused here.
- The kernel refuses to enslave an interface that is up (EPERM): a port that is up is set down
  first; the bond opens it when it takes it.
- Enslaving a port of another bond or of a bridge SUCCEEDS: the kernel moves it. So a port that has
  a master other than this bond is refused here, naming the port and its master. A bridge cannot be
  a port (EBUSY), nor the loopback (EINVAL).
- xmit_hash_policy vlan+srcmac (5) is the last one this kernel knows (6 and above: EINVAL).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

from ansible_collections.netvirt.linux.plugins.module_utils._state import common, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action, Plan, ns_label, object_key
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind

MODES = ('balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb')
HASH_POLICIES = ('layer2', 'layer3+4', 'layer2+3', 'encap2+3', 'encap3+4', 'vlan+srcmac')
LACP_RATES = ('slow', 'fast')
PRIMARY_MODES = ('active-backup', 'balance-tlb', 'balance-alb')
ARP_MODES_NOT = ('802.3ad', 'balance-tlb', 'balance-alb')
ARP_TARGETS_MAX = 16                 # BOND_MAX_ARP_TARGETS
INTERVAL_MAX = 2 ** 31 - 1           # the kernel keeps them as int milliseconds
IMMUTABLE = ('mode',)
IN_PLACE = ('miimon', 'arp_interval', 'arp_ip_target', 'xmit_hash_policy', 'lacp_rate')
FIELDS = ('mode',) + IN_PLACE + ('primary',)
# What a new bond gets from the kernel for an option the task leaves unset (miimon is left out:
# 802.3ad gets 100, the others 0).
NEW_DEFAULTS = {'arp_interval': 0, 'arp_ip_target': [], 'xmit_hash_policy': 'layer2', 'lacp_rate': 'slow',
                'primary': None}
KERNEL_MTU = 1500


def _interval(value, option, obj):
    if value is None:
        return None
    if isinstance(value, bool) or value < 0 or value > INTERVAL_MAX:
        raise ValidationError("option %s of %s: %r is not an interval in milliseconds (0 turns it off)"
                              % (option, obj, value), option, obj)
    return int(value)


def _targets(values, obj):
    if values is None:
        return None
    out = []
    for value in values:
        text = validate.address(value, 'arp_ip_target', obj)
        address = ipaddress.ip_address(text)
        if address.version != 4 or address.is_multicast or address.is_unspecified or text == '255.255.255.255':
            raise ValidationError("option arp_ip_target of %s: %s is not a unicast IPv4 address (the bond sends "
                                  "ARP requests to each target)" % (obj, value), 'arp_ip_target', obj)
        out.append(text)
    validate.unique(out, 'arp_ip_target', obj)
    if len(out) > ARP_TARGETS_MAX:
        raise ValidationError("option arp_ip_target of %s: %d targets; the kernel takes at most %d"
                              % (obj, len(out), ARP_TARGETS_MAX), 'arp_ip_target', obj)
    return sorted(out, key=lambda t: int(ipaddress.ip_address(t)))


def _text(value):
    if value is None:
        return 'none'
    if isinstance(value, list):
        return ','.join(value) or 'none'
    return str(value)


class BondKind(Kind):
    returns = 'bond'
    argument_spec = common.options(
        'name', 'state', 'mtu', 'up', 'addresses', 'purge_addresses',
        mode={'type': 'str', 'choices': list(MODES)},
        miimon={'type': 'int'},
        arp_interval={'type': 'int'},
        arp_ip_target={'type': 'list', 'elements': 'str'},
        xmit_hash_policy={'type': 'str', 'choices': list(HASH_POLICIES)},
        lacp_rate={'type': 'str', 'choices': list(LACP_RATES)},
        primary={'type': 'str'},
        ports={'type': 'list', 'elements': 'str'},
        purge_ports={'type': 'bool', 'default': False},
    )
    module_kwargs = {'required_if': [('state', 'present', ('mode',))]}

    def locks(self, desired):
        """The bond's namespace: its ports are there too (a port is never moved from another)."""
        return [desired.get('netns')]

    # -- desired ----------------------------------------------------------------------------
    def desired(self, params):
        name = validate.ifname(params['name'], 'name', 'bond')
        netns = validate.netns_ref(params.get('netns'), 'netns', 'bond %s' % name)
        obj = 'bond %s in %s' % (name, ns_label(netns))
        out = {'name': name, 'netns': netns, 'obj': obj, 'state': params['state'],
               'mtu': validate.mtu(params.get('mtu'), 'mtu', obj), 'up': params['up'],
               'addresses': common.addresses(params.get('addresses'), 'addresses', obj, name),
               'purge_addresses': bool(params.get('purge_addresses'))}
        if params['state'] == 'absent':
            return out
        mode = params['mode']
        bond = {
            'mode': mode,
            'miimon': _interval(params.get('miimon'), 'miimon', obj),
            'arp_interval': _interval(params.get('arp_interval'), 'arp_interval', obj),
            'arp_ip_target': _targets(params.get('arp_ip_target'), obj),
            'xmit_hash_policy': params.get('xmit_hash_policy'),
            'lacp_rate': params.get('lacp_rate'),
            'primary': None,
        }
        if bond['miimon'] and bond['arp_interval']:
            raise ValidationError("options miimon and arp_interval of %s: a bond watches its ports by MII or by ARP, "
                                  "not both (the kernel turns one off when the other is set); set the other to 0"
                                  % obj, 'arp_interval', obj)
        if bond['arp_interval'] and mode in ARP_MODES_NOT:
            raise ValidationError("option arp_interval of %s: ARP monitoring cannot be used in mode %s (the kernel "
                                  "refuses it); use miimon" % (obj, mode), 'arp_interval', obj)
        if bond['arp_ip_target'] and mode in ARP_MODES_NOT:
            raise ValidationError("option arp_ip_target of %s: ARP monitoring cannot be used in mode %s (the kernel "
                                  "refuses it: EACCES); use miimon" % (obj, mode), 'arp_ip_target', obj)
        if bond['lacp_rate'] is not None and mode != '802.3ad':
            raise ValidationError("option lacp_rate of %s: the LACP rate is an option of mode 802.3ad only, not %s "
                                  "(the kernel refuses it: EACCES)" % (obj, mode), 'lacp_rate', obj)
        ports = params.get('ports')
        if ports is not None:
            ports = [validate.ifname(p, 'ports', obj) for p in ports]
            validate.unique(ports, 'ports', obj)
            if name in ports:
                raise ValidationError("option ports of %s: a bond cannot be a port of itself" % obj, 'ports', obj)
        elif params.get('purge_ports'):
            raise ValidationError("option purge_ports of %s: needs option ports (the list to keep)" % obj,
                                  'purge_ports', obj)
        primary = params.get('primary')
        if primary is not None and primary != '':
            primary = validate.ifname(primary, 'primary', obj)
            if mode not in PRIMARY_MODES:
                raise ValidationError("option primary of %s: a primary port is an option of modes %s only, not %s "
                                      "(the kernel refuses it: EACCES)" % (obj, ', '.join(PRIMARY_MODES), mode),
                                      'primary', obj)
            if ports is not None and primary not in ports and params.get('purge_ports'):
                raise ValidationError("option primary of %s: '%s' is not in option ports; the primary must be a "
                                      "port of the bond (the kernel takes another name and ignores it)"
                                      % (obj, primary), 'primary', obj)
            bond['primary'] = primary
        elif primary == '':
            bond['primary'] = ''
        out['bond'] = bond
        out['ports'] = ports
        out['purge_ports'] = bool(params.get('purge_ports'))
        return out

    # -- observe ----------------------------------------------------------------------------
    def observe(self, session, desired, ctx):
        netns = session.register(desired['netns'])
        links = common.observe_links(session, [(netns, 'netns')], ctx, obj=desired['obj'], peers=False)
        return {'netns': netns, 'links': links[netns]}

    # -- plan -------------------------------------------------------------------------------
    def plan(self, desired, observed, ctx):
        plan = Plan()
        name, netns, obj = desired['name'], observed['netns'], desired['obj']
        short = 'bond %s' % name
        links = observed['links']
        link = links.get(name)
        key = self.key(desired, observed)
        common.refuse_other_kind(link, 'bond', 'bond', obj, name, netns, desired['state'])
        before = self.picture(link, netns, links)
        if desired['state'] == 'absent':
            return common.plan_link_absent(plan, link, netns, short, key, before,
                                           text='delete %s (its ports are released)' % short if before.get('ports')
                                           else None)

        want = desired['bond']
        have_ports = before.get('ports') or []
        wanted_ports = self._ports(desired, have_ports)
        self._check_ports(desired, links, wanted_ports, have_ports, netns, ctx)
        if want['primary'] and want['primary'] not in wanted_ports:
            raise ValidationError("option primary of %s: '%s' is not a port of the bond (ports: %s); the kernel "
                                  "takes another name and ignores it" % (obj, want['primary'], _text(wanted_ports)),
                                  'primary', obj)
        have = (link or {}).get('bond') or {}
        recreate = link is not None and have.get('mode') != want['mode']
        if link is None or recreate:
            after_bond, attrs_have, ports_now = self._plan_create(plan, netns, short, name, link, have, want, recreate,
                                                                  desired, have_ports)
        else:
            after_bond = dict((k, have.get(k)) for k in FIELDS)
            attrs_have, ports_now = link, have_ports
            self._plan_in_place(plan, netns, short, name, want, have, after_bond, skip=('primary',))
        self._plan_ports(plan, netns, name, short, links, wanted_ports, ports_now, desired['purge_ports'])
        if want['primary'] is not None and (after_bond.get('primary') or '') != want['primary']:
            plan.add('link_set', netns, short, {'name': name, 'bond': {'primary': want['primary']}}, option='primary',
                     text=('set primary port %s on %s' % (want['primary'], short)) if want['primary']
                     else 'unset the primary port of %s' % short)
            after_bond['primary'] = want['primary'] or None
        attrs = {'mtu': desired['mtu'], 'up': desired['up'], 'addresses': desired['addresses']}
        if recreate:
            # The new bond keeps what the task leaves unset: the old one's MTU and addresses.
            if attrs['mtu'] is None and link.get('mtu') != KERNEL_MTU:
                attrs['mtu'] = link.get('mtu')
            if attrs['addresses'] is None:
                attrs['addresses'] = [a for a in link.get('addresses') or [] if not common.is_link_local(a)]
        after_link = common.plan_link_attrs(plan, netns, name, 'bond', attrs, attrs_have,
                                            purge_addresses=desired['purge_addresses'])
        after = {'state': 'present', 'netns': netns, 'kind': 'bond'}
        after.update(after_bond)
        after['ports'] = sorted(wanted_ports)
        if 'mtu' in after_link:
            after['mtu'] = after_link['mtu']
        after['up'] = bool(after_link.get('up', False))
        after['addresses'] = [a for a in after_link.get('addresses', []) if not common.is_link_local(a)]
        plan.record(key, before, after)
        return plan

    @staticmethod
    def _ports(desired, have_ports):
        wanted = desired['ports']
        if wanted is None:
            return list(have_ports)
        if desired['purge_ports']:
            return list(wanted)
        return list(have_ports) + [p for p in wanted if p not in have_ports]

    @staticmethod
    def _check_ports(desired, links, wanted, have_ports, netns, ctx):
        obj, name = desired['obj'], desired['name']
        for port in wanted:
            if port in have_ports:
                continue
            found = links.get(port)
            if found is None:
                common.missing(ctx, "option ports of %s: interface '%s' does not exist in %s (a port must be in the "
                                    "bond's namespace)" % (obj, port, ns_label(netns)), 'ports', obj)
                continue
            kind = found.get('kind')
            if kind == 'loopback':
                raise ValidationError("option ports of %s: '%s' is the loopback, which cannot be a port of a bond "
                                      "(the kernel refuses it: EINVAL)" % (obj, port), 'ports', obj)
            if kind == 'bridge':
                raise ValidationError("option ports of %s: '%s' is a bridge, which cannot be a port of a bond (the "
                                      "kernel refuses it: EBUSY)" % (obj, port), 'ports', obj)
            if kind == 'tun' and (found.get('tun') or {}).get('mode') == 'tun':
                raise ValidationError("option ports of %s: '%s' is a layer-3 tun device (no Ethernet frames), which "
                                      "cannot be a port of a bond; use a tap" % (obj, port), 'ports', obj)
            master = found.get('master')
            if master and master != name:
                other = links.get(master) or {}
                raise ValidationError("option ports of %s: '%s' is already a port of %s %s; a bond takes only "
                                      "interfaces that are no port of anything (the kernel would move it)"
                                      % (obj, port, other.get('kind') or 'master', master), 'ports', obj)

    def _plan_create(self, plan, netns, short, name, link, have, want, recreate, desired, before_ports):
        options = dict((k, want[k]) for k in FIELDS if k != 'primary' and want[k] is not None)
        if want['mode'] in ARP_MODES_NOT:
            # 0 and [] (validated): the kernel refuses the ARP options in these modes even then (EACCES)
            options.pop('arp_interval', None)
            options.pop('arp_ip_target', None)
        create = {'name': name, 'kind': 'bond', 'bond': options}
        if desired.get('alias'):
            create['alias'] = desired['alias']
        undo = Action('link_delete', netns, short, {'name': name}, text='delete %s' % short)
        text = 'create %s with %s' % (short, self._describe(options))
        if recreate:
            undo_delete = self._restore(netns, short, link, have, before_ports)
            plan.add('link_delete', netns, short, {'name': name}, option='mode', undo=undo_delete,
                     text='delete %s to create it again (mode %s -> %s: the kernel cannot change the mode of a bond '
                          'that has ports or is up)' % (short, have.get('mode'), want['mode']))
            # What the task leaves unset stays as it was, where the new mode takes it (ARP monitoring
            # is refused in 802.3ad/balance-tlb/balance-alb, the LACP rate outside 802.3ad: EACCES).
            for key_ in IN_PLACE:
                if key_ in options or have.get(key_) is None:
                    continue
                if key_ == 'lacp_rate' and want['mode'] != '802.3ad':
                    continue
                if key_ in ('arp_interval', 'arp_ip_target') and want['mode'] in ARP_MODES_NOT:
                    continue
                options[key_] = have[key_]
            text = 'create %s again with %s' % (short, self._describe(options))
        plan.add('link_create', netns, short, create, option='mode' if recreate else 'name', undo=undo, text=text)
        after = dict(NEW_DEFAULTS)
        after['mode'] = want['mode']
        after.update(options)
        if 'miimon' not in options:
            after.pop('miimon', None)
        attrs_have = {'name': name, 'mtu': KERNEL_MTU, 'up': False, 'addresses': []}
        return after, attrs_have, []

    @staticmethod
    def _plan_in_place(plan, netns, short, name, want, have, after, skip=()):
        for key_ in IN_PLACE:
            if key_ in skip or want[key_] is None or have.get(key_) == want[key_]:
                continue
            plan.add('link_set', netns, short, {'name': name, 'bond': {key_: want[key_]}}, option=key_,
                     text='set %s %s on %s' % (key_, _text(want[key_]), short))
            after[key_] = want[key_]
            # One link monitor at a time: the kernel turns the other off when one is set above 0.
            other = {'miimon': 'arp_interval', 'arp_interval': 'miimon'}.get(key_)
            if other and want[key_] and after.get(other):
                after[other] = 0

    @staticmethod
    def _plan_ports(plan, netns, name, short, links, wanted, have, purge):
        for port in have:
            if port not in wanted and purge:
                plan.add('link_set', netns, 'interface %s' % port, {'name': port, 'master': ''}, option='ports',
                         text='release %s from %s' % (port, short))
        for port in wanted:
            if port in have:
                continue
            if (links.get(port) or {}).get('up'):
                plan.add('link_set', netns, 'interface %s' % port, {'name': port, 'up': False}, option='ports',
                         text='set %s down (a bond takes only ports that are down; it brings them up)' % port)
            plan.add('link_set', netns, 'interface %s' % port, {'name': port, 'master': name}, option='ports',
                     text='attach %s to %s' % (port, short))

    @staticmethod
    def _restore(netns, short, link, have, ports):
        """The undo of a delete before a re-creation: the old bond as it was (options, ports, primary,
        mtu, up; not its addresses)."""
        options = dict((k, have.get(k)) for k in FIELDS if have.get(k) is not None)
        if options.get('lacp_rate') and options.get('mode') != '802.3ad':
            options.pop('lacp_rate')
        params = {'name': link['name'], 'kind': 'bond', 'bond': options, 'mtu': link.get('mtu'),
                  'up': bool(link.get('up')), 'ports': list(ports)}
        return Action('link_create', netns, short, params, text='create %s again as it was' % short)

    @staticmethod
    def _describe(options):
        parts = ['mode %s' % options['mode']]
        for key_ in IN_PLACE:
            if options.get(key_) is not None:
                parts.append('%s %s' % (key_, _text(options[key_])))
        return ', '.join(parts)

    # -- pictures and result ----------------------------------------------------------------
    @staticmethod
    def picture(link, netns, links):
        if link is None:
            return {'state': 'absent'}
        pic = {'state': 'present', 'netns': netns, 'kind': link.get('kind')}
        bond = link.get('bond') or {}
        for key_ in FIELDS:
            pic[key_] = bond.get(key_)
        if pic.get('arp_ip_target') is None:
            pic['arp_ip_target'] = []
        pic['ports'] = sorted(n for n, l in links.items() if l.get('master') == link['name'])
        pic['mtu'] = link.get('mtu')
        pic['up'] = link.get('up')
        # IPv6 link-local addresses are the kernel's choice, made when carrier comes (a port's): left out.
        pic['addresses'] = sorted(a for a in link.get('addresses') or [] if not common.is_link_local(a))
        return pic

    def key(self, desired, observed):
        return object_key('bond %s' % desired['name'], observed['netns'])

    def read_back(self, session, desired, observed, ctx):
        netns = observed['netns']
        links = session.links(netns, peers=False)
        return {'bond': self.picture(links.get(desired['name']), netns, links)}
