# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The planner shared by the simple link kinds: dummy, and the kinds made on a parent device
(vlan, macvlan). Each kind's file says what is its own (options, refusals, what the kernel cannot
change in place); the plan is made here, once, for check mode, diff and apply alike.

- The device lives in ``target_netns`` (default: ``netns``); its parent (option ``link``) in
  ``netns``, the module's namespace. A device in another namespace is created straight there
  (RTM_NEWLINK sent in the parent's namespace with IFLA_NET_NS_FD), under its final name.
- An interface of another kind under the name is never taken over or removed.
- An attribute the kernel cannot change in place (the parent, and the kind's ``fixed`` ones)
  differs: the device is deleted and created again, said in the action's text; the delete's undo
  makes the old device again (its options, parent, mtu and up; not its addresses).
- What the kernel chooses for a new device (its MAC, its MTU: the parent's) is not in 'after'
  unless the task sets it; a real run reads it back.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.netvirt.linux.plugins.module_utils._state import common, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action, Plan, ns_label, object_key
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind


def text(value):
    if value is None:
        return 'none'
    if isinstance(value, bool):
        return 'on' if value else 'off'
    return str(value)


def spec(parent, **own):
    """The argument spec of a kind: the shared link options, ``link``/``target_netns`` for a kind made
    on a parent, and the kind's ``own`` options."""
    out = common.options('name', 'state', 'mtu', 'mac', 'addresses', 'purge_addresses', 'up', **own)
    if parent:
        out['link'] = {'type': 'str'}
        out['target_netns'] = {'type': 'raw'}
    return out


class LinkKind(Kind):
    kind = None         # IFLA_INFO_KIND
    parent = False      # made on a parent device (option link)
    fields = ()         # the kind's options, as link[kind] holds them and before/after show them
    fixed = ()          # the ones the kernel cannot change in place
    mutable = ()        # the ones changed in place, one link_set each
    mac = True          # whether option mac is the kind's (an ipvlan shares its parent's)

    # -- what each kind says ----------------------------------------------------------------
    def kind_desired(self, params, obj):
        """The kind's validated options {field: value}."""
        return {}

    def check_parent(self, desired, parent, links, netns, link):
        """Refuse, before the kernel, a parent the kernel would refuse (``links``: its namespace's)."""

    def differ_more(self, want, have):
        """Fields that differ in a way the kernel cannot change in place though ``mutable`` has them."""
        return []

    def plan_more(self, plan, ref, name, short, desired, have, after_kind):
        """Steps after the device's options (a macvlan's source MACs); updates ``after_kind``."""

    def describe(self, options):
        return ''

    # -- desired ----------------------------------------------------------------------------
    def desired(self, params):
        name = validate.ifname(params['name'], 'name', self.kind)
        netns = validate.netns_ref(params.get('netns'), 'netns', '%s %s' % (self.kind, name))
        target = netns
        if self.parent and params.get('target_netns') not in (None, ''):
            target = validate.netns_ref(params['target_netns'], 'target_netns', '%s %s' % (self.kind, name))
        obj = '%s %s in %s' % (self.kind, name, ns_label(target))
        out = {'name': name, 'netns': netns, 'target_netns': target, 'obj': obj, 'state': params['state'],
               'mtu': validate.mtu(params.get('mtu'), 'mtu', obj),
               'mac': validate.mac(params['mac'], 'mac', obj) if params.get('mac') else None,
               'addresses': common.addresses(params.get('addresses'), 'addresses', obj, name),
               'purge_addresses': bool(params.get('purge_addresses')), 'up': params['up']}
        if params['state'] == 'absent':
            return out
        if self.parent:
            if not params.get('link'):
                raise ValidationError("option link of %s: the parent device is required with state=present"
                                      % obj, 'link', obj)
            out['link'] = validate.ifname(params['link'], 'link', obj)
            if out['link'] == name and target == netns:
                raise ValidationError("option link of %s: the parent cannot be the device itself" % obj, 'link', obj)
        out[self.kind] = self.kind_desired(params, obj)
        return out

    def locks(self, desired):
        """The parent's namespace and the device's (they differ when it is made straight in another)."""
        refs = [desired.get('netns')]
        if desired.get('target_netns') != desired.get('netns'):
            refs.append(desired.get('target_netns'))
        return refs

    # -- observe ----------------------------------------------------------------------------
    def observe(self, session, desired, ctx):
        netns = session.register(desired['netns'])
        target = session.register(desired['target_netns'])
        option = 'target_netns' if target != netns else 'netns'
        # peers=True: a device's parent in another namespace is named (link['parent']).
        links = common.observe_links(session, [(target, option)], ctx, obj=desired['obj'], peers=True)
        if self.parent and target != netns and desired['state'] == 'present':
            links.update(common.observe_links(session, [(netns, 'netns')], ctx, obj=desired['obj'], peers=False))
        return {'netns': netns, 'target': target, 'links': links}

    def key(self, desired, observed):
        return object_key('%s %s' % (self.kind, desired['name']), observed['target'])

    # -- plan -------------------------------------------------------------------------------
    def plan(self, desired, observed, ctx):
        plan = Plan()
        name, obj, netns, target = desired['name'], desired['obj'], observed['netns'], observed['target']
        short = '%s %s' % (self.kind, name)
        links = observed['links'][target]
        link = links.get(name)
        key = self.key(desired, observed)
        common.refuse_other_kind(link, self.kind, self.kind, obj, name, target, desired['state'])
        before = self.picture(link, target)
        if desired['state'] == 'absent':
            return common.plan_link_absent(plan, link, target, short, key, before)

        want = desired[self.kind]
        have = (link or {}).get(self.kind) or {}
        if self.parent:
            plinks = observed['links'][netns]
            plink = plinks.get(desired['link'])
            if plink is None:
                common.missing(ctx, "option link of %s: interface '%s' does not exist in %s (the parent must be in "
                                    "the namespace of option netns)" % (obj, desired['link'], ns_label(netns)),
                               'link', obj)
            else:
                self.check_parent(desired, plink, plinks, netns, link)
            if desired['mtu'] is not None and plink is not None and plink.get('mtu') \
                    and desired['mtu'] > plink['mtu']:
                raise ValidationError("option mtu of %s: %d is above the MTU of its parent %s (%d); the kernel "
                                      "refuses it" % (obj, desired['mtu'], desired['link'], plink['mtu']),
                                      'mtu', obj)
        differ = []
        if link is not None:
            if self.parent:
                hp = link.get('parent') or {}
                if hp.get('name') != desired['link'] or hp.get('netns') != netns:
                    differ.append('link')
            differ += [k for k in self.fixed if have.get(k) != want.get(k)]
            differ += [k for k in self.differ_more(want, have) if k not in differ]
        if link is None or differ:
            self._plan_create(plan, desired, observed, link, differ)
            after_kind = dict((k, want.get(k)) for k in self.fields)
            attrs_have = None
        else:
            after_kind = dict((k, have.get(k)) for k in self.fields)
            for field in self.mutable:
                if want.get(field) is not None and have.get(field) != want[field]:
                    plan.add('link_set', target, short, {'name': name, self.kind: {field: want[field]}}, option=field,
                             text='set %s %s on %s' % (field, text(want[field]), short))
                    after_kind[field] = want[field]
            attrs_have = link
        self.plan_more(plan, target, name, short, desired, None if attrs_have is None else have, after_kind)
        wanted = {'mtu': desired['mtu'], 'mac': desired['mac'], 'addresses': desired['addresses'],
                  'up': desired['up']}
        after_link = common.plan_link_attrs(plan, target, name, self.kind, wanted, attrs_have,
                                            purge_addresses=desired['purge_addresses'])
        after_link.update(kind=self.kind, up=bool(after_link.get('up', False)))
        after_link[self.kind] = after_kind
        if self.parent:
            after_link['parent'] = {'name': desired['link'], 'netns': netns}
        plan.record(key, before, self.picture(after_link, target))
        return plan

    def _plan_create(self, plan, desired, observed, link, differ):
        name, netns, target = desired['name'], observed['netns'], observed['target']
        short = '%s %s' % (self.kind, name)
        options = dict((k, desired[self.kind].get(k)) for k in self.fields)
        create = {'name': name, 'kind': self.kind, self.kind: options}
        where = target
        words = 'create %s' % short
        if self.parent:
            create['link'] = desired['link']
            where = netns
            words += ' on %s' % desired['link']
            if target != netns:
                create['target_netns'] = target
        if desired.get('alias'):
            create['alias'] = desired['alias']     # the ownership mark of a composite (topology)
        described = self.describe(options)
        if described:
            words += ' (%s)' % described
        if self.parent and target != netns:
            words += ' straight in %s' % ns_label(target)
        if differ:
            have = link.get(self.kind) or {}
            changes = []
            for field in differ:
                if field == 'link':
                    old = link.get('parent') or {}
                    changes.append('link %s%s -> %s' % (text(old.get('name')),
                                                        '' if old.get('netns') == netns else
                                                        ' (in %s)' % ns_label(old.get('netns')), desired['link']))
                else:
                    changes.append('%s %s -> %s' % (field, text(have.get(field)), text(options.get(field))))
            plan.add('link_delete', target, short, {'name': name}, option=differ[0], undo=self._restore(link, target),
                     text='delete %s to create it again (%s: the kernel cannot change %s in place)'
                     % (short, ', '.join(changes), ', '.join(differ)))
        undo = Action('link_delete', target, short, {'name': name}, text='delete %s' % short)
        # A kernel refusal of a new device of a parent kind is about the parent (EINVAL, EBUSY, ENODEV):
        # its name is free in the target, which was observed.
        option = differ[0] if differ else ('link' if self.parent else 'name')
        plan.add('link_create', where, short, create, option=option, undo=undo, text=words)

    def _restore(self, link, target):
        """The undo of a delete before a re-creation: the old device as it was (options, parent, mtu,
        up), made again if the new one cannot be created; None when its parent is not known here."""
        short = '%s %s' % (self.kind, link['name'])
        params = {'name': link['name'], 'kind': self.kind,
                  self.kind: dict((k, (link.get(self.kind) or {}).get(k)) for k in self.fields),
                  'mtu': link.get('mtu'), 'up': bool(link.get('up'))}
        where = target
        if self.parent:
            old = link.get('parent') or {}
            if not old.get('name'):
                return None
            where = old.get('netns')
            params['link'] = old['name']
            if where != target:
                params['target_netns'] = target
        return Action('link_create', where, short, params, text='create %s again as it was' % short)

    # -- pictures and result ----------------------------------------------------------------
    def picture(self, link, netns):
        """What before/after and the result show: the kind's options (with the parent and its
        namespace), mtu, mac, addresses and up."""
        if link is None:
            return {'state': 'absent'}
        pic = {'state': 'present', 'netns': netns, 'kind': link.get('kind')}
        if self.parent:
            parent = link.get('parent') or {}
            pic['link'] = parent.get('name')
            pic['link_netns'] = parent.get('netns')
        data = link.get(self.kind) or {}
        for field in self.fields:
            pic[field] = data.get(field)
        for field in ('mtu', 'mac', 'addresses', 'up'):
            if field in link:
                pic[field] = link[field]
        return pic

    def read_back(self, session, desired, observed, ctx):
        link = session.links(observed['target'], peers=True).get(desired['name'])
        return {self.returns: self.picture(link, observed['target'])}
