# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One persistent tun or tap device, as `ip tuntap add dev NAME mode MODE user U group G` makes it.

What the kernel allows, and so what this planner does:

- mode (tun/tap) and multi_queue are fixed when the device is made: a change deletes the device
  and makes it again (it comes back down, with no addresses and no master; the task then sets
  mtu and up). That is refused while a process holds the device (it has carrier then): the
  process would keep a file of a device that no longer exists. Should the new device fail after
  the old one was deleted (the kernel refusing an ioctl, or the mtu), the undo removes the new one
  too: the task fails with no device left, never with a half-made one.
- packet_info, vnet_hdr, user and group of an existing persistent device are changed in place by
  attaching to it (see _netlink/tuntap.py); the kernel refuses that while a process holds it.
- mtu and up are ordinary link settings.
- A tun/tap that is not persistent belongs to the process that made it and goes with it: it is
  left alone (state=present fails, naming it), but state=absent deletes it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import grp
import pwd

from ansible_collections.netvirt.linux.plugins.module_utils._state import common, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action, Plan, ns_label
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind

ID_MAX = 2 ** 32 - 2        # (uid_t) -1 means "no owner"
KERNEL_MTU = 1500           # what a new tun/tap gets
CREATE_FIXED = ('mode', 'multi_queue')
IN_PLACE = ('packet_info', 'vnet_hdr')
OWNER_OPTIONS = (('user', 'owner'), ('group', 'group'))


def owner_id(value, option, obj, lookup):
    """A user or group given by name or number -> the number. Names are resolved on the host
    (passwd/group databases); numbers are taken as they are, like `ip tuntap` does."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationError("option %s of %s: %r is not a name or a number" % (option, obj, value), option, obj)
    text = str(value).strip()
    if isinstance(value, int) and value < 0:
        raise ValidationError("option %s of %s: %s is out of range (0-%d)" % (option, obj, value, ID_MAX), option, obj)
    if text.isdigit():
        number = int(text)
        if number > ID_MAX:
            raise ValidationError("option %s of %s: %s is out of range (0-%d)" % (option, obj, text, ID_MAX),
                                  option, obj)
        return number
    if not text:
        raise ValidationError("option %s of %s: a name or a number is required" % (option, obj), option, obj)
    try:
        return lookup(text)
    except KeyError:
        what = 'user' if option == 'user' else 'group'
        raise ValidationError("option %s of %s: no %s named '%s' on this host" % (option, obj, what, text),
                              option, obj)


def _uid(name):
    return pwd.getpwnam(name).pw_uid


def _gid(name):
    return grp.getgrnam(name).gr_gid


class TuntapKind(Kind):
    returns = 'tuntap'
    argument_spec = common.options(
        'name', 'state', 'mtu', 'up', 'master',
        mode={'type': 'str', 'choices': ['tun', 'tap']},
        user={'type': 'raw'},
        group={'type': 'raw'},
        multi_queue={'type': 'bool', 'default': False},
        packet_info={'type': 'bool', 'default': False},
        vnet_hdr={'type': 'bool', 'default': False},
    )
    module_kwargs = {'required_if': [('state', 'present', ('mode',))]}

    def desired(self, params):
        mode = params.get('mode')
        name = validate.ifname(params['name'], 'name', mode or 'tun/tap')
        obj = '%s %s' % (mode or 'tun/tap', name)
        master = params.get('master')
        if master is not None and master != '':
            master = validate.ifname(master, 'master', obj)
            # a layer-3 tun (no Ethernet frames) or the device itself: refused before the kernel
            common.check_port({'kind': 'tun', 'tun': {'mode': mode}}, name, master, 'master', obj,
                              validate.netns_ref(params.get('netns'), 'netns', obj))
        return {
            'master': master,
            'name': name, 'obj': obj, 'state': params['state'],
            'netns': validate.netns_ref(params.get('netns'), 'netns', obj),
            'tun': {
                'mode': mode,
                'multi_queue': bool(params['multi_queue']),
                'packet_info': bool(params['packet_info']),
                'vnet_hdr': bool(params['vnet_hdr']),
                'owner': owner_id(params.get('user'), 'user', obj, _uid),
                'group': owner_id(params.get('group'), 'group', obj, _gid),
            },
            'mtu': validate.mtu(params.get('mtu'), 'mtu', obj),
            'up': params['up'],
        }

    def observe(self, session, desired, ctx):
        netns = session.register(desired['netns'])
        links = common.observe_links(session, [(netns, 'netns')], ctx, obj=desired['obj'], peers=False)
        return {'netns': netns, 'links': links[netns]}

    def plan(self, desired, observed, ctx):
        plan = Plan()
        name, obj, netns = desired['name'], desired['obj'], observed['netns']
        link = observed['links'].get(name)
        key = self.key(desired, observed)
        common.refuse_other_kind(link, 'tun', 'tun/tap', obj, name, netns, desired['state'])
        before = self.picture(link, netns)
        if desired['state'] == 'absent':
            return common.plan_link_absent(plan, link, netns, obj, key, before)

        want = desired['tun']
        have = (link or {}).get('tun') or {}
        if link is not None and not have.get('persist'):
            raise ValidationError("option name of %s: '%s' in %s is a %s that is not persistent: it belongs to the "
                                  "process that made it and goes away with it; refusing to take it over"
                                  % (obj, name, ns_label(netns), have.get('mode') or 'tun/tap'), 'name', obj)
        after_tun = dict(have)
        link_have = link
        if link is not None:
            differs = [k for k in CREATE_FIXED if have.get(k) != want[k]]
            if differs:
                self._plan_recreate(plan, netns, name, obj, link, want, differs)
                link_have = None
                after_tun = self._new_tun_keep_owner(want, have)
            else:
                self._plan_in_place(plan, netns, name, obj, want, have, after_tun)
        else:
            self._plan_create(plan, netns, name, obj, want, desired.get('alias'))
            after_tun = self._new_tun(want)
        if link_have is None:
            link_have = {'name': name, 'mtu': KERNEL_MTU, 'up': False, 'master': None}
        common.check_master(observed['links'], desired['master'], netns, 'master', obj, ctx, link_have)
        after_link = common.plan_link_attrs(plan, netns, name, want['mode'],
                                            {'mtu': desired['mtu'], 'up': desired['up'],
                                             'master': desired['master']}, link_have)
        after = self.picture(dict(after_link, kind='tun', tun=after_tun), netns)
        plan.record(key, before, after)
        return plan

    @staticmethod
    def _create_params(name, want, owner=None, group=None):
        params = {'name': name}
        params.update((k, want[k]) for k in ('mode', 'multi_queue', 'packet_info', 'vnet_hdr'))
        params['owner'] = want['owner'] if want['owner'] is not None else owner
        params['group'] = want['group'] if want['group'] is not None else group
        return params

    @staticmethod
    def _create_text(obj, params):
        extras = [k for k in ('multi_queue', 'packet_info', 'vnet_hdr') if params[k]]
        if params['owner'] is not None:
            extras.append('user %d' % params['owner'])
        if params['group'] is not None:
            extras.append('group %d' % params['group'])
        return 'create %s%s' % (obj, ' (%s)' % ', '.join(extras) if extras else '')

    def _plan_create(self, plan, netns, name, obj, want, alias=None):
        params = self._create_params(name, want)
        if alias:
            params['alias'] = alias     # the ownership mark of a composite (topology), set right after
        undo = Action('link_delete', netns, obj, {'name': name}, text='delete %s' % obj)
        plan.add('tun_create', netns, obj, params, option='name', undo=undo, text=self._create_text(obj, params))

    def _plan_recreate(self, plan, netns, name, obj, link, want, differs):
        have = link['tun']
        changes = ', '.join('%s %s -> %s' % (k, self._word(have.get(k)), self._word(want[k])) for k in differs)
        if have.get('in_use'):
            raise ValidationError("option %s of %s: %s needs the device made again, but a process holds it "
                                  "(it has carrier); stop that process first" % (differs[0], obj, changes),
                                  differs[0], obj)
        # The owner and group stay what they were unless the task sets them.
        params = self._create_params(name, want, have.get('owner'), have.get('group'))
        plan.add('link_delete', netns, obj, {'name': name}, option=differs[0],
                 text='delete %s %s to make it again (%s)' % (have.get('mode') or 'tun/tap', name, changes))
        undo = Action('link_delete', netns, obj, {'name': name}, text='delete %s' % obj)
        plan.add('tun_create', netns, obj, params, option=differs[0], undo=undo,
                 text=self._create_text(obj, params))

    @staticmethod
    def _plan_in_place(plan, netns, name, obj, want, have, after_tun):
        changes = []
        for key in IN_PLACE:
            if have.get(key) != want[key]:
                changes.append((key, '%s %s' % (key, 'on' if want[key] else 'off')))
                after_tun[key] = want[key]
        for option, key in OWNER_OPTIONS:
            if want[key] is not None and have.get(key) != want[key]:
                changes.append((option, '%s %d' % (option, want[key])))
                after_tun[key] = want[key]
        if not changes:
            return
        params = {'name': name, 'mode': have['mode'], 'multi_queue': have['multi_queue']}
        params.update((k, want[k]) for k in IN_PLACE)
        params.update((k, want[k]) for _o, k in OWNER_OPTIONS if want[k] is not None and have.get(k) != want[k])
        plan.add('tun_set', netns, obj, params, option=changes[0][0],
                 text='change %s: %s' % (obj, ', '.join(text for _o, text in changes)))

    @staticmethod
    def _word(value):
        if isinstance(value, bool):
            return 'on' if value else 'off'
        return str(value)

    @staticmethod
    def _new_tun(want):
        out = dict((k, want[k]) for k in ('mode', 'owner', 'group', 'multi_queue', 'packet_info', 'vnet_hdr'))
        out.update(persist=True, in_use=False)
        return out

    @staticmethod
    def _new_tun_keep_owner(want, have):
        out = TuntapKind._new_tun(want)
        for key in ('owner', 'group'):
            if out[key] is None:
                out[key] = have.get(key)
        return out

    @staticmethod
    def picture(link, netns):
        """What before/after show: the device's options (owner and group as numbers) and mtu/up/master."""
        if link is None:
            return {'state': 'absent'}
        pic = common.link_picture(link, netns, ('mtu', 'up', 'master'))
        pic.pop('kind', None)
        tun = link.get('tun') or {}
        for key in ('mode', 'owner', 'group', 'multi_queue', 'packet_info', 'vnet_hdr', 'persist'):
            pic[key] = tun.get(key)
        return pic

    def read_back(self, session, desired, observed, ctx):
        link = session.links(observed['netns'], peers=False).get(desired['name'])
        return {'tuntap': self.picture(link, observed['netns'])}
