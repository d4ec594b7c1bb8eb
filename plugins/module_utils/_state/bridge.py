# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Linux bridges: STP and its timers, VLAN filtering, the link attributes and the list of ports.

Kernel rules this planner follows (measured, see docs/architecture.md and the notes):

- hello_time must be 1..10 s and max_age 6..40 s, always; forward_delay must be 2..30 s while
  STP is on. The check uses the EFFECTIVE values: the wanted one, else the one already there.
- The kernel applies the timers of one message before its STP state. "STP off and
  forward_delay 0" in one message therefore fails (the delay is checked while STP is still on):
  turning STP off sends STP first, then the timers; turning it on sends the timers first.
  One action per option, so that an error names its option.
- A new bridge is made in one message with its timers and STP (STP is off while the kernel
  applies the timers, then the STP state); VLAN filtering is a separate step, sent only when the
  wanted value differs from what is there (kernels built without it refuse even "off").
- Timers are kept by the kernel in jiffies and read back in hundredths of a second, rounded:
  values that differ by at most 0.01 s are equal.
- Port VLANs (measured on Linux 6.1, user-mode Linux; the CI kernel has no VLAN filtering):
  `bridge vlan add` of a VLAN a port has already REPLACES its flags (pvid, untagged), so a change
  of flags is one add; giving a VLAN the pvid takes it from the VLAN that had it. Deleting a VLAN
  the port does not have succeeds. A port (and a new bridge, for itself) starts with VLAN 1 as pvid
  untagged (the bridge's default_pvid, 1 unless changed) and loses its VLANs when it leaves the
  bridge. The bridge's own VLANs need the `self` flag (EOPNOTSUPP otherwise); an interface that is
  no bridge port gets EOPNOTSUPP. The kernel takes VLANs on a bridge without vlan_filtering (they
  do nothing until it is on): refused here. VLAN ids 0 and 4095 are refused (EINVAL).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import math

from ansible_collections.netvirt.linux.plugins.module_utils._state import common, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action, Plan, ns_label
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind

TIMERS = ('forward_delay', 'hello_time', 'max_age', 'ageing_time')
OPTIONS = ('stp',) + TIMERS + ('vlan_filtering',)

# What a new bridge gets from the kernel for the options that are not set.
KERNEL_DEFAULTS = {'stp': False, 'forward_delay': 15.0, 'hello_time': 2.0, 'max_age': 20.0,
                   'ageing_time': 300.0, 'vlan_filtering': False}

# Limits the kernel enforces on every bridge (seconds).
ALWAYS_LIMITS = {'hello_time': (1, 10), 'max_age': (6, 40)}
# forward_delay while STP is on.
STP_FORWARD_DELAY = (2, 30)
# Timers travel as 32-bit hundredths of a second.
MAX_SECONDS = (2 ** 32 - 1) / 100.0

PICTURE_FIELDS = ('mtu', 'mac', 'up', 'addresses')
VLAN_MIN, VLAN_MAX = 1, 4094
DEFAULT_PVID = 1        # a new port, and a new bridge for itself, start with VLAN 1 as pvid untagged


def centis(seconds):
    return int(round(float(seconds) * 100))


def same_seconds(a, b):
    """Timers are equal when they differ by at most 0.01 s (the kernel's jiffies rounding)."""
    if a is None or b is None:
        return a is b
    return abs(centis(a) - centis(b)) <= 1


def seconds_text(value):
    return '%g s' % value


def _check_timer(name, value, obj):
    if value is None:
        return None
    value = float(value)
    if math.isnan(value) or value < 0:
        raise ValidationError("option %s of %s: %s is not a duration in seconds (0 or more)"
                              % (name, obj, value), name, obj)
    if value > MAX_SECONDS:
        raise ValidationError("option %s of %s: %s is above %g s, the most the kernel can hold"
                              % (name, obj, seconds_text(value), MAX_SECONDS), name, obj)
    if name in ALWAYS_LIMITS:
        low, high = ALWAYS_LIMITS[name]
        if centis(value) < low * 100:
            raise ValidationError("option %s of %s: %s is below %d s, the least the kernel accepts"
                                  % (name, obj, seconds_text(value), low), name, obj)
        if centis(value) > high * 100:
            raise ValidationError("option %s of %s: %s is above %d s, the most the kernel accepts"
                                  % (name, obj, seconds_text(value), high), name, obj)
    return round(value, 2)


def check_stp_forward_delay(obj, stp, forward_delay, given):
    """With STP on, forward_delay must be 2..30 s. ``given``: whether the task sets it; otherwise it
    is the value already on the bridge, and the message asks for option forward_delay as well."""
    if not stp or forward_delay is None:
        return
    low, high = STP_FORWARD_DELAY
    value = centis(forward_delay)
    if low * 100 <= value <= high * 100:
        return
    if value < low * 100:
        side = 'below %d s, which STP requires' % low
    else:
        side = 'above %d s, the most STP allows' % high
    if given:
        raise ValidationError("option forward_delay of %s: %s is %s (%d..%d s)"
                              % (obj, seconds_text(forward_delay), side, low, high), 'forward_delay', obj)
    raise ValidationError("option stp of %s: the bridge's forward_delay is %s, %s (%d..%d s); set option "
                          "forward_delay as well" % (obj, seconds_text(forward_delay), side, low, high), 'stp', obj)


def _option_text(key, value):
    if key in ('stp', 'vlan_filtering'):
        return '%s %s' % (key, 'on' if value else 'off')
    return '%s %s' % (key, seconds_text(value))


class BridgeKind(Kind):
    argument_spec = common.options(
        'name', 'state', 'mtu', 'mac', 'addresses', 'purge_addresses', 'up',
        stp={'type': 'bool'},
        forward_delay={'type': 'float'},
        hello_time={'type': 'float'},
        max_age={'type': 'float'},
        ageing_time={'type': 'float'},
        vlan_filtering={'type': 'bool'},
        ports={'type': 'list', 'elements': 'str'},
        purge_ports={'type': 'bool', 'default': False},
        fdb={'type': 'bool', 'default': False},
        vlans={'type': 'list', 'elements': 'dict', 'options': {
            'port': {'type': 'str', 'required': True},
            'vids': {'type': 'list', 'elements': 'int', 'required': True},
            'pvid': {'type': 'int'},
            'untagged': {'type': 'list', 'elements': 'int', 'default': []},
        }},
        purge_vlans={'type': 'bool', 'default': False},
    )

    # -- desired ----------------------------------------------------------------------------
    def desired(self, params):
        name = validate.ifname(params['name'], 'name', 'bridge')
        obj = 'bridge %s' % name
        options = {'stp': params.get('stp'), 'vlan_filtering': params.get('vlan_filtering')}
        for key in TIMERS:
            options[key] = _check_timer(key, params.get(key), obj)
        ports = params.get('ports')
        if ports is not None:
            ports = [validate.ifname(p, 'ports', obj) for p in ports]
            validate.unique(ports, 'ports', obj)
            if name in ports:
                raise ValidationError("option ports of %s: a bridge cannot be a port of itself" % obj, 'ports', obj)
        return {
            'name': name, 'obj': obj, 'state': params['state'],
            'netns': validate.netns_ref(params.get('netns'), 'netns', obj),
            'options': options,
            'mtu': validate.mtu(params.get('mtu'), 'mtu', obj),
            'mac': validate.mac(params.get('mac'), 'mac', obj),
            'addresses': common.addresses(params.get('addresses'), 'addresses', obj, name),
            'purge_addresses': params['purge_addresses'],
            'up': params['up'],
            'ports': ports,
            'purge_ports': params['purge_ports'],
            'fdb': params['fdb'],
            'vlans': self._vlans(params.get('vlans'), name, obj),
            'purge_vlans': bool(params.get('purge_vlans')),
        }

    @staticmethod
    def _vlans(entries, name, obj):
        """{port: {vid: (pvid, untagged)}} of option vlans (the bridge's own name stands for the
        bridge itself, `self`); None: not managed."""
        if entries is None:
            return None
        out = {}
        for entry in entries:
            port = validate.ifname(entry['port'], 'vlans.port', obj)
            where = 'port %s' % port if port != name else 'the bridge itself'
            if port in out:
                raise ValidationError("option vlans of %s: %s is listed twice" % (obj, where), 'vlans', obj)
            vids = []
            for vid in list(entry['vids'] or []) + list(entry.get('untagged') or []) + (
                    [entry['pvid']] if entry.get('pvid') is not None else []):
                if isinstance(vid, bool) or not VLAN_MIN <= vid <= VLAN_MAX:
                    raise ValidationError("option vlans of %s: VLAN %r of %s is out of range: a VLAN id is %d..%d (0 "
                                          "and 4095 are reserved; the kernel refuses them)"
                                          % (obj, vid, where, VLAN_MIN, VLAN_MAX), 'vlans', obj)
            vids = list(entry['vids'] or [])
            validate.unique(vids, 'vlans.vids', obj)
            pvid = entry.get('pvid')
            if pvid is not None and pvid not in vids:
                raise ValidationError("option vlans of %s: pvid %d of %s is not in its vids %s; list it there too"
                                      % (obj, pvid, where, vids), 'vlans.pvid', obj)
            untagged = list(entry.get('untagged') or [])
            stray = [v for v in untagged if v not in vids]
            if stray:
                raise ValidationError("option vlans of %s: untagged VLAN %d of %s is not in its vids %s; list it "
                                      "there too" % (obj, stray[0], where, vids), 'vlans.untagged', obj)
            out[port] = dict((v, (v == pvid, v in untagged)) for v in vids)
        return out

    # -- observe ----------------------------------------------------------------------------
    def observe(self, session, desired, ctx):
        netns = session.register(desired['netns'])
        links = common.observe_links(session, [(netns, 'netns')], ctx, obj=desired['obj'])
        return {'netns': netns, 'links': links[netns], 'fdb': self.read_fdb(session, desired, netns, links[netns]),
                'vlans': self.read_vlans(session, desired, netns, links[netns])}

    @staticmethod
    def read_vlans(session, desired, netns, links):
        """The VLANs of the bridge and its ports, when the task manages them (option vlans)."""
        if desired.get('vlans') is None or desired['state'] != 'present':
            return None
        if (links.get(desired['name']) or {}).get('kind') != 'bridge':
            return {}
        return session.vlans(netns, links=links)

    @staticmethod
    def read_fdb(session, desired, netns, links):
        """The forwarding database, when the task asks for it (option fdb) and the bridge is there."""
        if not desired['fdb']:
            return None
        exists = desired['state'] == 'present' and (links.get(desired['name']) or {}).get('kind') == 'bridge'
        return session.fdb(netns, desired['name'], links=links) if exists else []

    # -- plan -------------------------------------------------------------------------------
    def plan(self, desired, observed, ctx):
        plan = Plan()
        name, obj, netns = desired['name'], desired['obj'], observed['netns']
        links = observed['links']
        link = links.get(name)
        key = self.key(desired, observed)
        common.refuse_other_kind(link, 'bridge', 'bridge', obj, name, netns, desired['state'])
        before = self.picture(link, netns, links)
        if desired['state'] == 'absent':
            return common.plan_link_absent(plan, link, netns, obj, key, before,
                                           'delete %s (its ports are released)' % obj)

        want = desired['options']
        have = dict(KERNEL_DEFAULTS)
        if link is not None:
            have.update(dict((k, v) for k, v in (link.get('bridge') or {}).items() if v is not None))
        effective = dict((k, want[k] if want[k] is not None else have[k]) for k in OPTIONS)
        check_stp_forward_delay(obj, effective['stp'], effective['forward_delay'], want['forward_delay'] is not None)

        after_opts = dict((k, have[k]) for k in OPTIONS)
        if link is None:
            self._plan_create(plan, netns, name, obj, want, after_opts, desired.get('alias'))
        else:
            self._plan_options(plan, netns, name, obj, want, have, after_opts)
        if want['vlan_filtering'] is not None and bool(want['vlan_filtering']) != bool(have['vlan_filtering']):
            plan.add('link_set', netns, obj, {'name': name, 'bridge': {'vlan_filtering': want['vlan_filtering']}},
                     option='vlan_filtering',
                     text='turn VLAN filtering %s on %s' % ('on' if want['vlan_filtering'] else 'off', obj))
            after_opts['vlan_filtering'] = want['vlan_filtering']

        planned = len(plan.actions)
        ports = self._plan_ports(plan, ctx, netns, name, obj, desired, links, link is not None)
        ports_change = len(plan.actions) > planned
        attrs = {'mtu': desired['mtu'], 'mac': desired['mac'], 'up': desired['up'],
                 'addresses': desired['addresses'], 'master': None}
        before_attrs = len(plan.actions)
        after_link = common.plan_link_attrs(plan, netns, name, 'bridge', attrs, link, desired['purge_addresses'])
        mtu_set = any(a.params.get('mtu') is not None for a in plan.actions[before_attrs:])
        if ports_change and desired['mtu'] is not None and not mtu_set:
            # Attaching or detaching ports makes the kernel recompute a bridge MTU that was never
            # set by hand: set it (after the ports) so that it stays what the task says.
            plan.actions.insert(before_attrs, Action(
                'link_set', netns, obj, {'name': name, 'mtu': desired['mtu']}, option='mtu',
                text='set mtu %s on %s (so that its ports do not change it)' % (desired['mtu'], obj)))
        if ports_change:
            # A bridge whose MTU and MAC were never set takes the smallest MTU and the lowest MAC
            # of its ports, recomputed on every attach and detach: the kernel's choice, which the
            # plan cannot know. Left out of 'after' unless the task sets them.
            for field in ('mtu', 'mac'):
                if desired[field] is None:
                    after_link.pop(field, None)
        stp_starts = bool(ports) and bool(want['stp']) and not have['stp']
        in_topology_change = ((link or {}).get('bridge') or {}).get('topology_change')
        if effective['stp'] and plan.actions and (ports_change or stp_starts or in_topology_change):
            # With STP on, a port change (or STP starting on a bridge with ports) makes STP handle a
            # topology change, during which the kernel reports twice the forward delay as the
            # ageing time: the value read after the plan is the kernel's choice.
            after_opts.pop('ageing_time', None)
        after = common.link_picture(dict(after_link, kind='bridge'), netns, PICTURE_FIELDS)
        after.update(after_opts)
        after['ports'] = ports
        if desired.get('vlans') is not None:
            before_vlans = self._vlan_picture(desired, observed.get('vlans') or {}, link is not None, links, name)
            if link is not None:
                before['vlans'] = before_vlans
            after['vlans'] = self._plan_vlans(plan, netns, name, obj, desired, links, ports, after_opts,
                                              link is not None, observed.get('vlans') or {})
        plan.record(key, before, after)
        return plan

    @staticmethod
    def _start(port, name, links, exists, observed_vlans):
        """{vid: (pvid, untagged)} a port (or the bridge itself) has before the plan's VLAN steps."""
        default = {DEFAULT_PVID: (True, True)}
        found = links.get(port) or {}
        if port == name:
            if not exists:
                return dict(default)
        elif not exists or found.get('master') != name:
            return dict(default)       # a port the plan attaches starts with the default VLAN
        have = observed_vlans.get(port)
        if have is None:
            return {}
        return dict((v, (v == have['pvid'], v in have['untagged'])) for v in have['vids'])

    @staticmethod
    def _as_picture(vlans):
        vids = sorted(vlans)
        pvid = [v for v in vids if vlans[v][0]]
        return {'vids': vids, 'pvid': pvid[0] if pvid else None, 'untagged': [v for v in vids if vlans[v][1]]}

    def _vlan_picture(self, desired, observed_vlans, exists, links, name):
        return dict((port, self._as_picture(self._start(port, name, links, exists, observed_vlans)))
                    for port in sorted(desired['vlans']))

    def _plan_vlans(self, plan, netns, name, obj, desired, links, ports_after, after_opts, exists, observed_vlans):
        """Per listed port: exactly its VLANs (purge_vlans) or these added; one `bridge vlan add` per
        VLAN whose flags differ (an add replaces them), one `del` per VLAN to remove."""
        if not after_opts.get('vlan_filtering'):
            raise ValidationError("option vlans of %s: the bridge does not filter by VLAN, so port VLANs would do "
                                  "nothing (the kernel keeps them silently); set option vlan_filtering: true"
                                  % obj, 'vlans', obj)
        out = {}
        for port in sorted(desired['vlans']):
            want = desired['vlans'][port]
            is_self = port == name
            if not is_self and port not in ports_after:
                raise ValidationError("option vlans of %s: '%s' is not a port of the bridge (the kernel refuses VLANs "
                                      "on it: EOPNOTSUPP); list it in option ports" % (obj, port), 'vlans', obj)
            label = obj if is_self else 'port %s of %s' % (port, obj)
            have = self._start(port, name, links, exists, observed_vlans)
            now = dict(have)
            if desired['purge_vlans']:
                for vid in sorted(have):
                    if vid not in want:
                        plan.add('vlan_del', netns, obj, {'name': port, 'vid': vid, 'self': is_self}, option='vlans',
                                 text='remove VLAN %d from %s' % (vid, label))
                        del now[vid]
            new_pvid = [v for v in want if want[v][0]]
            for vid in sorted(want):
                pvid, untagged = want[vid]
                if now.get(vid) == (pvid, untagged):
                    continue
                flags = [w for w, on in (('pvid', pvid), ('untagged', untagged)) if on]
                plan.add('vlan_add', netns, obj, {'name': port, 'vid': vid, 'pvid': pvid, 'untagged': untagged,
                                                  'self': is_self}, option='vlans',
                         text='%s VLAN %d on %s%s' % ('set' if vid in now else 'add', vid, label,
                                                      ' (%s)' % ', '.join(flags) if flags else ' (tagged)'))
                now[vid] = (pvid, untagged)
            if new_pvid:
                # The pvid moves: the VLAN that had it keeps its other flag.
                for vid in list(now):
                    if vid != new_pvid[0] and now[vid][0]:
                        now[vid] = (False, now[vid][1])
            out[port] = self._as_picture(now)
        return out

    @staticmethod
    def _plan_create(plan, netns, name, obj, want, after_opts, alias=None):
        """One message: the kernel applies the timers while STP is still off, then the STP state."""
        options = dict((k, want[k]) for k in ('stp',) + TIMERS if want[k] is not None)
        text = 'create %s' % obj
        if options:
            text += ' with %s' % ', '.join(_option_text(k, options[k]) for k in ('stp',) + TIMERS if k in options)
        undo = Action('link_delete', netns, obj, {'name': name}, text='delete %s' % obj)
        params = {'name': name, 'kind': 'bridge'}
        if options:
            params['bridge'] = options
        if alias:
            params['alias'] = alias
        plan.add('link_create', netns, obj, params, option='name', undo=undo, text=text)
        after_opts.update(options)

    @staticmethod
    def _plan_options(plan, netns, name, obj, want, have, after_opts):
        """STP and its timers, one action per option, in the order the kernel accepts."""
        timers = []
        for key in TIMERS:
            if want[key] is not None and not same_seconds(want[key], have[key]):
                timers.append(Action('link_set', netns, obj, {'name': name, 'bridge': {key: want[key]}}, option=key,
                                     text='set %s on %s' % (_option_text(key, want[key]), obj)))
                after_opts[key] = want[key]
        stp = None
        if want['stp'] is not None and bool(want['stp']) != bool(have['stp']):
            stp = Action('link_set', netns, obj, {'name': name, 'bridge': {'stp': want['stp']}}, option='stp',
                         text='turn STP %s on %s' % ('on' if want['stp'] else 'off', obj))
            after_opts['stp'] = want['stp']
        # STP off: first STP, then the timers (forward_delay < 2 s is refused while STP is on).
        # STP on: first the timers, then STP (so STP starts with the wanted values).
        ordered = ([stp] + timers) if stp is not None and not want['stp'] else (timers + [stp])
        for action in ordered:
            if action is not None:
                plan.actions.append(action)

    @staticmethod
    def _plan_ports(plan, ctx, netns, name, obj, desired, links, exists):
        """Attach the listed interfaces; with purge_ports, detach the others. Returns the ports after."""
        current = sorted(n for n, l in links.items() if exists and l.get('master') == name)
        wanted = desired['ports']
        if wanted is None:
            return current
        if desired['purge_ports']:
            for port in current:
                if port not in wanted:
                    plan.add('link_set', netns, obj, {'name': port, 'master': ''}, option='purge_ports',
                             text='detach %s from %s' % (port, obj))
        for port in wanted:
            found = links.get(port)
            if found is None:
                common.missing(ctx, "option ports of %s: interface '%s' does not exist in %s"
                               % (obj, port, ns_label(netns)), 'ports', obj)
            elif found.get('kind') in ('bridge', 'loopback'):
                raise ValidationError("option ports of %s: '%s' in %s is a %s, which cannot be a port of a bridge"
                                      % (obj, port, ns_label(netns), found['kind']), 'ports', obj)
            else:
                common.check_port(found, port, name, 'ports', obj, netns)
            if found is not None and found.get('master') == name:
                continue
            if found is not None and found.get('master'):
                text = 'move %s from %s to %s' % (port, found['master'], obj)
            else:
                text = 'attach %s to %s' % (port, obj)
            plan.add('link_set', netns, obj, {'name': port, 'master': name}, option='ports', text=text)
        kept = [p for p in current if p in wanted or not desired['purge_ports']]
        after = sorted(set(kept) | set(wanted))
        common.check_port_room(name, netns, len(after), 'ports', obj)
        return after

    # -- pictures and result ----------------------------------------------------------------
    @staticmethod
    def picture(link, netns, links):
        if link is None:
            return {'state': 'absent'}
        pic = common.link_picture(link, netns, PICTURE_FIELDS)
        options = link.get('bridge') or {}
        for key in OPTIONS:
            pic[key] = options.get(key)
        pic['ports'] = sorted(n for n, l in links.items() if l.get('master') == link['name'])
        return pic

    def result(self, desired, observed, plan, ctx):
        out = {'bridge': plan.after[self.key(desired, observed)]}
        if desired['fdb']:
            out['fdb'] = observed['fdb']
        return out

    def read_back(self, session, desired, observed, ctx):
        netns = observed['netns']
        links = session.links(netns, peers=False)
        out = {'bridge': self.picture(links.get(desired['name']), netns, links)}
        if desired.get('vlans') is not None and links.get(desired['name']) is not None:
            have = self.read_vlans(session, desired, netns, links) or {}
            out['bridge']['vlans'] = dict((port, have.get(port, {'vids': [], 'pvid': None, 'untagged': []}))
                                          for port in sorted(desired['vlans']))
        if desired['fdb']:
            out['fdb'] = self.read_fdb(session, desired, netns, links)
        return out
