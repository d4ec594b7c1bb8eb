# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pieces the kinds share: namespace observation and the per-link attribute planner."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

from ansible_collections.netvirt.linux.plugins.module_utils._state import validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import ns_label

LINK_ATTRS = ('mtu', 'mac', 'master', 'up', 'addresses')
# Ports of one bridge: port numbers 1..1023 (BR_MAX_PORTS is 1024, 0 is reserved); the kernel
# refuses the next attach with EXFULL ("Exchange full"). Measured: 1023 attach, the 1024th fails.
BRIDGE_MAX_PORTS = 1023

# Options several kinds take, declared once (their documentation: each module's DOCUMENTATION).
OPTIONS = {
    'name': {'type': 'str', 'required': True},
    'state': {'type': 'str', 'default': 'present', 'choices': ['present', 'absent']},
    'mtu': {'type': 'int'},
    'mac': {'type': 'str'},
    'master': {'type': 'str'},
    'addresses': {'type': 'list', 'elements': 'str'},
    'purge_addresses': {'type': 'bool', 'default': False},
    'up': {'type': 'bool', 'default': True},
    # hairpin mode of the interface as a port of its bridge (None: left as it is)
    'hairpin': {'type': 'bool'},
}


def options(*names, **own):
    """An argument spec: copies of the shared OPTIONS ``names``, and the kind's ``own`` options."""
    spec = dict((name, dict(OPTIONS[name])) for name in names)
    spec.update(own)
    return spec


CHECK_MODE_ASSUMES = '; check mode assumes an earlier task creates it'


def missing(ctx, text, option, obj):
    """Something the task needs is not there. Outside check mode that fails (``text`` names the
    option and the object); in check mode an earlier task of the same run may be about to make
    it, so it is a warning and the plan goes on."""
    if not ctx.check_mode:
        raise ValidationError(text, option, obj)
    ctx.warn(text + CHECK_MODE_ASSUMES)


def observe_links(session, refs, ctx, option='netns', obj=None, peers=True):
    """{ref: {name: link}} for each namespace; a missing namespace fails, except in check mode,
    where it is planned as an empty one (an earlier task of the same check run would make it)."""
    out = {}
    for ref, opt in refs:
        if ref in out:
            continue
        if not namespace_exists(session, ref, opt or option, obj):
            if ctx.check_mode:
                ctx.warn('%s does not exist; check mode plans as if it were created empty by an earlier task'
                         % ns_label(ref))
                out[ref] = {}
                continue
            session.fd(ref, option=opt or option, obj=obj)  # raises the error naming the option
        out[ref] = session.links(ref, peers=peers)
    return out


def namespace_exists(session, ref, option='netns', obj=None):
    """Whether the namespace ``ref`` exists. A file there that is not a network namespace (a
    regular file, a directory, a namespace of another type, the empty file a killed `ip netns add`
    leaves) is not "missing": it fails naming the option and the object, in check mode too."""
    if session.exists(ref):
        return True
    try:
        session.fd(ref, option=option, obj=obj)
    except NetvirtError as exc:
        if getattr(exc, 'not_a_netns', False):
            raise
        return False
    return True


def addresses(values, option, obj, device=None):
    """Validate and canonicalise a list of CIDR addresses of interface ``device`` (None stays None:
    not managed). An address is listed once: the same text twice, or one IPv6 address with two
    prefix lengths (the kernel knows an IPv6 address by the address alone: the second is refused
    with EEXIST), is refused."""
    if values is None:
        return None
    out = [validate.cidr(v, option, obj, device) for v in values]
    validate.unique(out, option, obj)
    seen = {}
    for text in out:
        iface = ipaddress.ip_interface(text)
        if iface.version == 6:
            if iface.ip in seen:
                raise ValidationError("option %s of %s: %s and %s are one IPv6 address (the kernel knows it by "
                                      "the address, not the prefix length): list it once"
                                      % (option, obj, seen[iface.ip], text), option, obj)
            seen[iface.ip] = text
    return out


def is_link_local(cidr):
    iface = ipaddress.ip_interface(cidr)
    return iface.version == 6 and iface.ip.is_link_local


def link_picture(link, netns, fields=LINK_ATTRS, extra=None):
    """What before/after show of one link."""
    if link is None:
        return {'state': 'absent'}
    pic = {'state': 'present', 'netns': netns, 'kind': link.get('kind')}
    for key in fields:
        if key in link:
            pic[key] = link[key]
    if 'hairpin' in link:      # a plan's picture of a port whose hairpin mode the task manages
        pic['hairpin'] = link['hairpin']
    if extra:
        pic.update(extra)
    return pic


def hairpin_of(link):
    """The hairpin mode of an observed link as a bridge port (True/False), None when it is no port."""
    brport = (link or {}).get('brport')
    return None if brport is None else bool(brport.get('hairpin'))


def plan_link_attrs(plan, netns, name, label, want, have, purge_addresses=False, option_prefix=''):
    """Converge mtu, mac, master, hairpin, addresses and up of one link.

    ``want``: {'mtu','mac','master','up','addresses'} and optionally 'hairpin'; None means "leave as
    it is", master '' means "no master". ``have``: the observed link, or None for a link the plan
    creates (``have['assumed']``: one check mode assumes an earlier task creates).
    Returns the predicted link after the plan (with 'hairpin' when the task manages it)."""
    have = have or {}
    after = dict(have)
    obj = '%s %s' % (label, name)

    def opt(key):
        return option_prefix + key

    if want.get('up') is False and have.get('up', False):
        plan.add('link_set', netns, obj, {'name': name, 'up': False}, option=opt('up'),
                 text='set %s down' % obj)
        after['up'] = False
    if want.get('mtu') is not None and have.get('mtu') != want['mtu']:
        plan.add('link_set', netns, obj, {'name': name, 'mtu': want['mtu']}, option=opt('mtu'),
                 text='set mtu %s on %s' % (want['mtu'], obj))
        after['mtu'] = want['mtu']
    if want.get('mac') is not None and (have.get('mac') or '').lower() != want['mac']:
        plan.add('link_set', netns, obj, {'name': name, 'mac': want['mac']}, option=opt('mac'),
                 text='set mac %s on %s' % (want['mac'], obj))
        after['mac'] = want['mac']
    if want.get('master') is not None and (have.get('master') or '') != want['master']:
        if want['master']:
            text = 'attach %s to bridge %s' % (obj, want['master'])
        else:
            text = 'detach %s from %s' % (obj, have.get('master'))
        plan.add('link_set', netns, obj, {'name': name, 'master': want['master']}, option=opt('master'), text=text)
        after['master'] = want['master'] or None
    if want.get('hairpin') is not None:
        plan_hairpin(plan, netns, name, obj, want['hairpin'], have, after, opt('hairpin'))
    if want.get('addresses') is not None:
        current = list(have.get('addresses') or [])
        wanted = want['addresses']
        if purge_addresses:
            for cidr in current:
                if cidr not in wanted and not is_link_local(cidr):
                    plan.add('addr_del', netns, obj, {'name': name, 'address': cidr}, option=opt('addresses'),
                             text='remove address %s from %s' % (cidr, obj))
        for cidr in wanted:
            if cidr not in current:
                plan.add('addr_add', netns, obj, {'name': name, 'address': cidr}, option=opt('addresses'),
                         text='add address %s to %s' % (cidr, obj))
        kept = [c for c in current if c in wanted or not purge_addresses or is_link_local(c)]
        after['addresses'] = sorted(set(kept) | set(wanted))
    if want.get('up') is True and not have.get('up', False):
        plan.add('link_set', netns, obj, {'name': name, 'up': True}, option=opt('up'), text='set %s up' % obj)
        after['up'] = True
    return after


def plan_hairpin(plan, netns, name, obj, hairpin, have, after, option):
    """Hairpin mode of a bridge port (IFLA_BRPORT_MODE): a port forwards a frame back out of the
    port it came in on only in hairpin mode (a container reaching its own published port through
    the host, Docker's bridge with userland-proxy=false). ``after``: the link as planned so far
    (its master); a port attached by this plan starts with hairpin off."""
    master = after.get('master')
    if not master:
        if have.get('assumed'):
            after['hairpin'] = hairpin
            return
        raise ValidationError("option %s of %s: hairpin mode belongs to a port of a bridge, and '%s' in %s would not "
                              "be a port of one; give its bridge in option %s, or leave %s unset"
                              % (option, obj, name, ns_label(netns), option[:-len('hairpin')] + 'master', option),
                              option, obj)
    current = hairpin_of(have) if have.get('master') == master else False
    if bool(current) != hairpin:
        plan.add('port_set', netns, obj, {'name': name, 'hairpin': hairpin}, option=option,
                 text='turn hairpin mode %s on %s (port of bridge %s)' % ('on' if hairpin else 'off', obj, master))
    after['hairpin'] = hairpin


def plan_link_absent(plan, link, netns, obj, key, before, text=None, option='state'):
    """state=absent of a link kind: delete the link when it is there (the caller has refused one of
    another kind), and record it as absent."""
    if link is not None:
        plan.add('link_delete', netns, obj, {'name': link['name']}, option=option, text=text or 'delete %s' % obj)
    plan.record(key, before, {'state': 'absent'})
    return plan


def refuse_other_kind(link, kind, label, obj, name, netns, state):
    """An interface of another kind under the wanted name is never taken over, nor removed by
    state=absent: fail naming option name and the object. ``label`` is the kind in words."""
    if link is not None and link.get('kind') != kind:
        raise ValidationError("option name of %s: an interface named '%s' already exists in %s and it is a %s, "
                              "not a %s; refusing to %s"
                              % (obj, name, ns_label(netns), link.get('kind'), label,
                                 'remove it' if state == 'absent' else 'take it over'), 'name', obj)


def require_namespace(observed_links, ref, option):
    if ref not in observed_links:
        raise NetvirtError('option %s: %s was not observed' % (option, ns_label(ref)), option=option)
    return observed_links[ref]


def port_count(links, bridge):
    """How many interfaces of ``links`` are ports of ``bridge``."""
    return sum(1 for link in links.values() if link.get('master') == bridge)


def check_port_room(bridge, netns, count, option, obj):
    """``count`` ports would be on ``bridge``: fail before the kernel if that is more than it takes."""
    if count > BRIDGE_MAX_PORTS:
        raise ValidationError("option %s of %s: bridge '%s' in %s would have %d ports; the kernel takes at most %d "
                              "ports on one bridge (use more bridges, joined by veths)"
                              % (option, obj, bridge, ns_label(netns), count, BRIDGE_MAX_PORTS), option, obj)


def check_master(links, master, netns, option, obj, ctx=None, link=None):
    """A master must be an existing bridge in the same namespace, with room for one more port when
    ``link`` (the interface as observed, None for a new one) is not yet its port. With ``ctx``, a
    missing one is only a warning in check mode (see ``missing``)."""
    if not master:
        return
    found = links.get(master)
    if found is None and ctx is not None:
        missing(ctx, "option %s of %s: bridge '%s' does not exist in %s" % (option, obj, master, ns_label(netns)),
                option, obj)
        return
    if found is None:
        raise ValidationError("option %s of %s: bridge '%s' does not exist in %s"
                              % (option, obj, master, ns_label(netns)), option, obj)
    if found.get('kind') != 'bridge':
        raise ValidationError("option %s of %s: '%s' in %s is a %s, not a bridge"
                              % (option, obj, master, ns_label(netns), found.get('kind')), option, obj)
    if (link or {}).get('master') != master:
        check_port_room(master, netns, port_count(links, master) + 1, option, obj)


def check_port(link, name, master, option, obj, netns):
    """An interface that cannot be a port of a bridge is refused before the kernel: a bridge (the
    kernel answers ELOOP, "Can not enslave a bridge to a bridge"), the bridge itself, the loopback
    and a layer-3 tun device (EINVAL: no Ethernet header)."""
    if not master or link is None:
        return
    kind = link.get('kind')
    if master == name:
        why = 'an interface cannot be a port of itself'
    elif kind == 'bridge':
        why = "'%s' is a bridge, and a bridge cannot be a port of another bridge (the kernel refuses it: ELOOP)" % name
    elif kind == 'loopback':
        why = "'%s' is the loopback, which cannot be a port of a bridge" % name
    elif kind == 'tun' and (link.get('tun') or {}).get('mode') == 'tun':
        why = "'%s' is a layer-3 tun device (no Ethernet frames), which cannot be a port of a bridge; use a tap" % name
    else:
        return
    raise ValidationError("option %s of %s: %s (bridge '%s' in %s)" % (option, obj, why, master, ns_label(netns)),
                          option, obj)
