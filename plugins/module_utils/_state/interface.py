# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Existing interfaces of any kind: attributes, rename, move to another namespace. Never creates one."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.netvirt.linux.plugins.module_utils._state import common, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Plan, ns_label, object_key
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind

# Devices the kernel marks NETIF_F_NETNS_LOCAL ("netns-local: on" in `ethtool -k`): moving one fails
# with EINVAL ("RTNETLINK answers: Invalid argument"). Others (for example ppp) are caught when the
# kernel refuses them, by the meaning of EINVAL for link_move.
NETNS_LOCAL_KINDS = ('bridge', 'loopback')


class InterfaceKind(Kind):
    returns = 'interface'
    argument_spec = common.options(
        'name', 'mtu', 'mac', 'master', 'hairpin', 'addresses', 'purge_addresses',
        rename_to={'type': 'str'},
        target_netns={'type': 'raw'},
        up={'type': 'bool'},     # no default: an existing interface stays up or down as it is
    )

    def desired(self, params):
        name = validate.ifname(params['name'], 'name', 'interface')
        obj = 'interface %s' % name
        netns = validate.netns_ref(params.get('netns'), 'netns', obj)
        target = netns
        if params.get('target_netns') not in (None, ''):
            target = validate.netns_ref(params['target_netns'], 'target_netns', obj)
        rename_to = None
        if params.get('rename_to') not in (None, ''):
            rename_to = validate.ifname(params['rename_to'], 'rename_to', obj)
        master = params.get('master')
        if master not in (None, ''):
            master = validate.ifname(master, 'master', obj)
        return {
            'name': name,
            'netns': netns,
            'target_netns': target,
            'rename_to': rename_to,
            'want': {
                # The loopback's own MTU is 65536; other kinds' limits are the kernel's to tell.
                'mtu': validate.mtu(params.get('mtu'), 'mtu', obj, maximum=validate.MTU_MAX + 1),
                'mac': validate.mac(params.get('mac'), 'mac', obj),
                'master': master,
                'hairpin': params.get('hairpin'),
                'up': params.get('up'),
                'addresses': common.addresses(params.get('addresses'), 'addresses', obj, name),
            },
            'purge_addresses': params['purge_addresses'],
        }

    def observe(self, session, desired, ctx):
        netns = session.register(desired['netns'])
        target = session.register(desired['target_netns'])
        obj = 'interface %s' % desired['name']
        links = common.observe_links(session, [(netns, 'netns'), (target, 'target_netns')], ctx, obj=obj)
        return {'netns': netns, 'target': target, 'links': links}

    def key(self, desired, observed):
        return object_key('interface %s' % desired['name'], observed['netns'])

    def plan(self, desired, observed, ctx):
        plan = Plan()
        name, netns, target = desired['name'], observed['netns'], observed['target']
        final = desired['rename_to'] or name
        links = observed['links']
        obj = 'interface %s' % name
        moving = target != netns
        renaming = final != name
        source = links[netns].get(name)
        arrived = links[target].get(final) if (moving or renaming) else None

        if moving and source is not None and source.get('kind') in NETNS_LOCAL_KINDS:
            self._refuse_netns_local(obj, name, source['kind'])
        if source is not None and arrived is not None:
            option = 'rename_to' if renaming else 'target_netns'
            raise ValidationError("option %s of %s: '%s' is already taken in %s (by a %s), so %s cannot be %s"
                                  % (option, obj, final, ns_label(target), arrived['kind'], name,
                                     'moved there' if moving else 'renamed'), option, obj)

        if arrived is not None:
            # An earlier run moved or renamed it: converge it where it is now.
            have, here = arrived, target
            before = self.picture(arrived, target, final)
        elif source is not None:
            have, here = source, netns
            before = self.picture(source, netns, name)
        elif ctx.check_mode:
            ctx.warn("%s: no interface '%s' in %s yet; check mode assumes an earlier task creates it"
                     % (obj, name, ns_label(netns)))
            have, here, before = {'name': name, 'kind': None, 'assumed': True}, netns, {'state': 'absent'}
        else:
            elsewhere = ''
            if moving or renaming:
                elsewhere = ", nor '%s' in %s" % (final, ns_label(target))
            raise ValidationError("option name of %s: there is no interface '%s' in %s%s; this module manages "
                                  "existing interfaces and never creates one"
                                  % (obj, name, ns_label(netns), elsewhere), 'name', obj)

        have = dict(have)
        if desired['want']['hairpin'] is not None and before.get('state') == 'present':
            before['hairpin'] = common.hairpin_of(have)
        if here != target or have.get('name') != final:
            have = self._plan_place(plan, obj, have, here, target, final)
            here = target

        want = desired['want']
        master = want['master']
        common.check_port(have, final, master, 'master', obj, here)
        common.check_master(links[here], master, here, 'master', obj, ctx, have)
        after = common.plan_link_attrs(plan, here, final, 'interface', want, have, desired['purge_addresses'])
        plan.record(self.key(desired, observed), before, self.picture(after, here, final))
        return plan

    @staticmethod
    def _plan_place(plan, obj, have, here, target, final):
        """Move and/or rename; return the link as it will be in the target namespace. (A clash with
        an interface already named ``final`` there was refused by the caller.)"""
        current = have['name']
        kind = have.get('kind')
        if here != target:
            if kind in NETNS_LOCAL_KINDS:
                InterfaceKind._refuse_netns_local(obj, current, kind)
            params = {'name': current, 'to': target}
            as_name = ''
            if final != current:
                params['new_name'] = final
                as_name = ' as %s' % final
            plan.add('link_move', here, obj, params, option='target_netns',
                     text='move %s to %s%s' % (obj, ns_label(target), as_name))
            # A moved interface arrives down, with no addresses and no master.
            have.update({'up': False, 'addresses': [], 'master': None, 'brport': None})
        else:
            plan.add('link_set', here, obj, {'name': current, 'new_name': final}, option='rename_to',
                     text='rename %s to %s' % (obj, final))
        have['name'] = final
        return have

    @staticmethod
    def _refuse_netns_local(obj, name, kind):
        raise ValidationError("option target_netns of %s: '%s' is a %s, a netns-local device: the kernel cannot "
                              "move it to another namespace (RTNETLINK answers: Invalid argument)"
                              % (obj, name, kind), 'target_netns', obj)

    @staticmethod
    def picture(link, netns, name):
        if link is None:
            return {'state': 'absent'}
        pic = common.link_picture(link, netns, extra={'name': name})
        peer = link.get('peer')
        if link.get('kind') == 'veth' and peer:
            pic['peer'] = {'name': peer.get('name'), 'netns': peer.get('netns')}
        return pic

    def read_back(self, session, desired, observed, ctx):
        target = observed['target']
        final = desired['rename_to'] or desired['name']
        link = session.links(target).get(final)
        pic = self.picture(link, target, final)
        if link is not None and desired['want']['hairpin'] is not None:
            pic['hairpin'] = common.hairpin_of(link)
        return {'interface': pic}
