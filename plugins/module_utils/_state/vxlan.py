# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VXLAN devices: one vxlan link in one namespace.

Kernel rules this planner follows (measured on kernel 6.18, pyroute2 0.7.2 and 0.9.7):

- The VNI and the UDP port cannot be changed on an existing device (EOPNOTSUPP). The remote or
  group, the local address and the underlay are changed by some kernels and refused by others
  (an IPv4 device cannot take an IPv6 group at all): every one of these five is treated as
  immutable, and a device that differs in any of them is deleted and created again.
- ttl and learning are changed in place (changelink keeps the other attributes).
- Two vxlan devices of one namespace cannot share VNI, UDP port and address family (EEXIST),
  whatever their local address or underlay: checked before the kernel is asked.
- A multicast group needs an underlay device (EINVAL otherwise).
- Without a port the kernel uses 8472 (Linux's historical port), not IANA's 4789: the port is
  always sent.
- ``remotes`` (head-end replication to several unicast peers) are all-zero-MAC FDB entries of the
  device (`bridge fdb append 00:00:00:00:00:00 dev VX dst PEER`); with ``remotes`` set, the
  device's all-zero entries are exactly that list (others are deleted). An IPv6 peer needs an
  IPv6 device, which only an IPv6 ``local`` makes (EAFNOSUPPORT otherwise).
- A new device's MTU is the kernel's choice (underlay MTU minus 50 for IPv4, 70 for IPv6; 1500
  without underlay): it is in 'after' only when the task sets it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

from ansible_collections.netvirt.linux.plugins.module_utils._state import common, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action, Plan, ns_label, object_key
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind

VNI_MAX = 16777215
DEFAULT_PORT = 4789
# Changing one of these means deleting the device and creating it again.
IMMUTABLE = ('vni', 'remote', 'group', 'local', 'dev', 'port')
# Changed in place, one action each.
MUTABLE = ('ttl', 'learning')
PICTURE_FIELDS = IMMUTABLE + MUTABLE
# Encapsulation overhead the kernel subtracts from the underlay's MTU (outer IP + UDP + VXLAN + Ethernet).
OVERHEAD = {4: 50, 6: 70}


def _int(value, option, obj, low, high, what):
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValidationError("option %s of %s: %r is not %s" % (option, obj, value, what), option, obj)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError("option %s of %s: '%s' is not %s" % (option, obj, value, what), option, obj)
    if number < low or number > high:
        raise ValidationError("option %s of %s: %d is out of range: %s is %d..%d"
                              % (option, obj, number, what, low, high), option, obj)
    return number


def _ip(value, option, obj):
    if value is None or value == '':
        return None
    text = validate.address(value, option, obj)
    return ipaddress.ip_address(text)


def _family(address):
    return 6 if address is not None and address.version == 6 else 4


def _ip_key(text):
    address = ipaddress.ip_address(text)
    return (address.version, int(address))


def _text(value):
    if value is None:
        return 'none'
    if isinstance(value, bool):
        return 'on' if value else 'off'
    return str(value)


def check_addresses(remote, group, local, obj):
    """Unicast remote, multicast group, unicast local, all of one address family."""
    if remote is not None:
        if remote.is_multicast:
            raise ValidationError("option remote of %s: %s is a multicast address; a remote is one unicast peer "
                                  "(use option group for a multicast group)" % (obj, remote), 'remote', obj)
        if remote.is_unspecified:
            raise ValidationError("option remote of %s: %s is not a peer address" % (obj, remote), 'remote', obj)
    if group is not None and not group.is_multicast:
        raise ValidationError("option group of %s: %s is not a multicast address (IPv4 224.0.0.0/4, IPv6 ff00::/8); "
                              "use option remote for one unicast peer" % (obj, group), 'group', obj)
    if local is not None and (local.is_multicast or local.is_unspecified):
        raise ValidationError("option local of %s: %s is not a unicast address of this host" % (obj, local),
                              'local', obj)
    peer, peer_option = (remote, 'remote') if remote is not None else (group, 'group')
    if local is not None and peer is not None and local.version != peer.version:
        raise ValidationError("option local of %s: %s is IPv%d but option %s (%s) is IPv%d; the underlay must be "
                              "one address family" % (obj, local, local.version, peer_option, peer, peer.version),
                              'local', obj)


class VxlanKind(Kind):
    returns = 'vxlan'
    argument_spec = common.options(
        'name', 'state', 'mtu', 'up', 'master',
        vni={'type': 'int'},
        remote={'type': 'str'},
        group={'type': 'str'},
        local={'type': 'str'},
        dev={'type': 'str'},
        port={'type': 'int', 'default': DEFAULT_PORT},
        ttl={'type': 'int'},
        learning={'type': 'bool', 'default': True},
        remotes={'type': 'list', 'elements': 'str'},
    )
    module_kwargs = {
        'required_if': [('state', 'present', ('vni',))],
        'mutually_exclusive': [('remote', 'group', 'remotes')],
    }

    # -- desired ----------------------------------------------------------------------------
    def desired(self, params):
        name = validate.ifname(params['name'], 'name', 'vxlan')
        netns = validate.netns_ref(params.get('netns'), 'netns', 'vxlan %s' % name)
        obj = 'vxlan %s in %s' % (name, ns_label(netns))
        master = params.get('master')
        if master is not None and master != '':
            master = validate.ifname(master, 'master', obj)
            common.check_port({'kind': 'vxlan'}, name, master, 'master', obj, netns)
        out = {'name': name, 'netns': netns, 'obj': obj, 'state': params['state'],
               'mtu': validate.mtu(params.get('mtu'), 'mtu', obj), 'up': params['up'], 'master': master}
        if params['state'] == 'absent':
            return out
        remote = _ip(params.get('remote'), 'remote', obj)
        group = _ip(params.get('group'), 'group', obj)
        local = _ip(params.get('local'), 'local', obj)
        if remote is not None and group is not None:
            raise ValidationError("options remote and group of %s: give one of them, not both" % obj, 'remote', obj)
        check_addresses(remote, group, local, obj)
        remotes = self._remotes(params.get('remotes'), remote, group, local, obj)
        dev = params.get('dev')
        if dev is not None and dev != '':
            dev = validate.ifname(dev, 'dev', obj)
            if dev == name:
                raise ValidationError("option dev of %s: the underlay cannot be the vxlan device itself" % obj,
                                      'dev', obj)
        else:
            dev = None
        if group is not None and dev is None:
            raise ValidationError("option dev of %s: a multicast group (%s) needs an underlay device to join it on; "
                                  "set option dev" % (obj, group), 'dev', obj)
        linklocal = [a for a in [remote, local] + [ipaddress.ip_address(r) for r in remotes or []]
                     if a is not None and a.version == 6 and a.is_link_local]
        if linklocal and dev is None:
            raise ValidationError("option dev of %s: %s is an IPv6 link-local address, which is only meaningful on one "
                                  "link; set option dev" % (obj, linklocal[0]), 'dev', obj)
        out['vxlan'] = {
            'vni': _int(params.get('vni'), 'vni', obj, 1, VNI_MAX, 'a VXLAN network identifier (VNI)'),
            'remote': None if remote is None else str(remote),
            'group': None if group is None else str(group),
            'local': None if local is None else str(local),
            'dev': dev,
            'port': _int(params.get('port'), 'port', obj, 1, 65535, 'a UDP port'),
            'ttl': _int(params.get('ttl'), 'ttl', obj, 0, 255, 'a TTL (0 means inherit/auto)'),
            'learning': params['learning'],
        }
        out['remotes'] = remotes
        out['family'] = _family(remote or group or local)
        return out

    @staticmethod
    def _remotes(values, remote, group, local, obj):
        """Unicast peers for head-end replication, canonical and sorted; None: not managed."""
        if values is None:
            return None
        if remote is not None or group is not None:
            raise ValidationError("option remotes of %s: give either remotes or %s, not both"
                                  % (obj, 'remote' if remote is not None else 'group'), 'remotes', obj)
        peers = []
        for value in values:
            peer = _ip(value, 'remotes', obj)
            if peer is None:
                raise ValidationError("option remotes of %s: an empty address" % obj, 'remotes', obj)
            if peer.is_multicast or peer.is_unspecified:
                raise ValidationError("option remotes of %s: %s is not a unicast peer address (use option group for a "
                                      "multicast group)" % (obj, peer), 'remotes', obj)
            if local is not None and peer.version != local.version:
                raise ValidationError("option remotes of %s: %s is IPv%d but option local (%s) is IPv%d; the underlay "
                                      "must be one address family" % (obj, peer, peer.version, local, local.version),
                                      'remotes', obj)
            if peer.version == 6 and local is None:
                raise ValidationError("option remotes of %s: %s is IPv6; an IPv6 peer needs an IPv6 device, so set "
                                      "option local to an IPv6 address of this host" % (obj, peer), 'remotes', obj)
            peers.append(str(peer))
        validate.unique(peers, 'remotes', obj)
        return sorted(peers, key=_ip_key)

    # -- observe ----------------------------------------------------------------------------
    def observe(self, session, desired, ctx):
        netns = session.register(desired['netns'])
        links = common.observe_links(session, [(netns, 'netns')], ctx, obj=desired['obj'], peers=False)
        link = links[netns].get(desired['name'])
        return {'netns': netns, 'links': links[netns], 'remotes': self.observe_remotes(session, desired, netns, link)}

    @staticmethod
    def observe_remotes(session, desired, netns, link):
        """The device's head-end peers (sorted) when the task manages them, else None."""
        if desired.get('remotes') is None:
            return None
        if link is None or link.get('kind') != 'vxlan':
            return []
        return sorted(session.vxlan_peers(netns, link['index']), key=_ip_key)

    # -- plan -------------------------------------------------------------------------------
    def plan(self, desired, observed, ctx):
        plan = Plan()
        name, netns, obj = desired['name'], observed['netns'], desired['obj']
        short = 'vxlan %s' % name
        links = observed['links']
        link = links.get(name)
        key = self.key(desired, observed)
        common.refuse_other_kind(link, 'vxlan', 'vxlan', obj, name, netns, desired['state'])
        managed = desired.get('remotes') is not None
        have_peers = observed.get('remotes') or []
        before = self.picture(link, netns, have_peers if managed else None)
        if desired['state'] == 'absent':
            return common.plan_link_absent(plan, link, netns, short, key, before)

        want = desired['vxlan']
        self._check_dev(desired, links, ctx)
        self._check_vni(desired, links)
        have = (link or {}).get('vxlan') or {}
        differ = [k for k in IMMUTABLE if link is not None and have.get(k) != want[k]]
        attrs_have = link
        if link is None or differ:
            options = dict(want)
            if options['ttl'] is None:
                options['ttl'] = have.get('ttl') if link is not None else None
            create = {'name': name, 'kind': 'vxlan', 'vxlan': options}
            if desired.get('alias'):
                create['alias'] = desired['alias']     # the ownership mark of a composite (topology)
            undo = Action('link_delete', netns, short, {'name': name}, text='delete %s' % short)
            text = 'create %s with %s' % (short, self._describe(options))
            if differ:
                changes = ', '.join('%s %s -> %s' % (k, _text(have.get(k)), _text(want[k])) for k in differ)
                plan.add('link_delete', netns, short, {'name': name}, option=differ[0],
                         undo=self._restore(netns, short, link),
                         text='delete %s to create it again (%s: the kernel cannot change %s in place)'
                         % (short, changes, ', '.join(differ)))
                if link.get('master'):
                    # Keep it a port of its bridge: the new device is made in it.
                    create['master'] = link['master']
                    text += ', port of bridge %s again' % link['master']
            plan.add('link_create', netns, short, create, option=differ[0] if differ else 'name', undo=undo,
                     text=text)
            after_vx = dict(options)
            if after_vx['ttl'] is None:
                after_vx['ttl'] = 0
            attrs_have = {'master': link.get('master')} if differ else None
            have_peers = []     # a new device has no FDB entries but its remote's
        else:
            after_vx = dict((k, have.get(k)) for k in PICTURE_FIELDS)
            for key_ in MUTABLE:
                if want[key_] is not None and have.get(key_) != want[key_]:
                    plan.add('link_set', netns, short, {'name': name, 'vxlan': {key_: want[key_]}}, option=key_,
                             text='set %s %s on %s' % (key_, _text(want[key_]), short))
                    after_vx[key_] = want[key_]
        if managed:
            self._plan_remotes(plan, netns, name, short, desired['remotes'], have_peers)
            after_vx['remotes'] = list(desired['remotes'])
        common.check_master(links, desired['master'], netns, 'master', obj, ctx, attrs_have)
        attrs = {'mtu': desired['mtu'], 'up': desired['up'], 'master': desired['master']}
        after_link = common.plan_link_attrs(plan, netns, name, 'vxlan', attrs, attrs_have)
        after = {'state': 'present', 'netns': netns, 'kind': 'vxlan'}
        after.update(after_vx)
        if 'mtu' in after_link:
            after['mtu'] = after_link['mtu']
        after['up'] = bool(after_link.get('up', False))   # a new device starts down
        after['master'] = after_link.get('master')
        plan.record(key, before, after)
        return plan

    @staticmethod
    def _restore(netns, short, link):
        """The undo of a delete before a re-creation: the old device as it was (options, bridge, mtu,
        up; not its addresses or FDB entries), made again if the new one cannot be created."""
        old = dict((k, (link.get('vxlan') or {}).get(k)) for k in PICTURE_FIELDS)
        if str(old.get('dev') or '').startswith('#') or not old.get('vni') or not old.get('port'):
            return None     # its underlay is not in this namespace: it cannot be described again
        params = {'name': link['name'], 'kind': 'vxlan', 'vxlan': old, 'mtu': link.get('mtu'),
                  'up': bool(link.get('up'))}
        if link.get('master'):
            params['master'] = link['master']
        return Action('link_create', netns, short, params, text='create %s again as it was' % short)

    @staticmethod
    def _plan_remotes(plan, netns, name, short, wanted, have):
        """Exactly ``wanted`` as all-zero-MAC FDB entries: stale peers go first, then new ones."""
        for peer in have:
            if peer not in wanted:
                plan.add('fdb_del', netns, short, {'name': name, 'dst': peer}, option='remotes',
                         text='remove peer %s from %s (FDB 00:00:00:00:00:00 dst %s)' % (peer, short, peer))
        for peer in wanted:
            if peer not in have:
                plan.add('fdb_append', netns, short, {'name': name, 'dst': peer}, option='remotes',
                         text='add peer %s to %s (FDB 00:00:00:00:00:00 dst %s)' % (peer, short, peer))

    @staticmethod
    def _describe(options):
        parts = ['vni %s' % options['vni']]
        for key in ('remote', 'group', 'local', 'dev'):
            if options.get(key):
                parts.append('%s %s' % (key, options[key]))
        parts.append('port %s' % options['port'])
        if options.get('ttl') is not None:
            parts.append('ttl %s' % options['ttl'])
        parts.append('learning %s' % _text(options['learning']))
        return ', '.join(parts)

    @staticmethod
    def _check_dev(desired, links, ctx):
        dev, obj = desired['vxlan']['dev'], desired['obj']
        if dev is None:
            return
        found = links.get(dev)
        if found is None:
            common.missing(ctx, "option dev of %s: interface '%s' does not exist in that namespace (the underlay "
                                "must be in the same namespace as the vxlan device)" % (obj, dev), 'dev', obj)
            return
        mtu = desired['mtu']
        if mtu is not None and found.get('mtu'):
            limit = found['mtu'] - OVERHEAD[desired['family']]
            if mtu > limit:
                raise ValidationError("option mtu of %s: %d is above %d, the underlay %s's MTU %d minus %d bytes of "
                                      "VXLAN encapsulation" % (obj, mtu, limit, dev, found['mtu'],
                                                               OVERHEAD[desired['family']]), 'mtu', obj)

    @staticmethod
    def _check_vni(desired, links):
        """The kernel refuses a second vxlan with the same VNI, port and address family (EEXIST)."""
        want, obj = desired['vxlan'], desired['obj']
        for other_name, other in sorted(links.items()):
            vx = other.get('vxlan')
            if other_name == desired['name'] or other.get('kind') != 'vxlan' or not vx:
                continue
            other_family = _family(next((ipaddress.ip_address(vx[k]) for k in ('remote', 'group', 'local')
                                         if vx.get(k)), None))
            if vx.get('vni') == want['vni'] and vx.get('port') == want['port'] and other_family == desired['family']:
                raise ValidationError("option vni of %s: VNI %d on UDP port %d (IPv%d) is already used by vxlan %s; "
                                      "one namespace can hold only one such device"
                                      % (obj, want['vni'], want['port'], desired['family'], other_name), 'vni', obj)

    # -- pictures and result ----------------------------------------------------------------
    @staticmethod
    def picture(link, netns, remotes=None):
        """``remotes``: the device's head-end peers, shown when the task manages them (else None)."""
        if link is None:
            return {'state': 'absent'}
        pic = {'state': 'present', 'netns': netns, 'kind': link.get('kind')}
        vx = link.get('vxlan') or {}
        for key in PICTURE_FIELDS:
            pic[key] = vx.get(key)
        if remotes is not None:
            pic['remotes'] = list(remotes)
        pic['mtu'] = link.get('mtu')
        pic['up'] = link.get('up')
        pic['master'] = link.get('master')
        return pic

    def key(self, desired, observed):
        return object_key('vxlan %s' % desired['name'], observed['netns'])

    def read_back(self, session, desired, observed, ctx):
        netns = observed['netns']
        link = session.links(netns, peers=False).get(desired['name'])
        remotes = None
        if desired.get('remotes') is not None and link is not None:
            remotes = sorted(session.vxlan_peers(netns, link['index']), key=_ip_key)
        return {'vxlan': self.picture(link, netns, remotes)}
