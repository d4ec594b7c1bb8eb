# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes in any namespace. A route is known by what the kernel knows it by: (family, dst, table, metric)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

from ansible_collections.netvirt.linux.plugins.module_utils._state import common, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Plan, ns_label
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind

TABLE_NAMES = {'main': 254, 'default': 253}
TABLE_LOCAL = 255
TABLE_MAX = 2 ** 32 - 1
METRIC_MAX = 2 ** 32 - 1
# What the kernel gives a route added without a metric.
DEFAULT_METRIC = {'ipv4': 0, 'ipv6': 1024}
ROUTE_FIELDS = ('family', 'dst', 'gateway', 'dev', 'metric', 'table')


def _table(value, obj):
    if value is None or value == '':
        return TABLE_NAMES['main']
    if isinstance(value, bool):
        raise ValidationError("option table of %s: expected a number or main/default, got %r" % (obj, value),
                              'table', obj)
    text = ('%s' % (value,)).strip()
    if text in TABLE_NAMES:
        return TABLE_NAMES[text]
    if text == 'local':
        raise ValidationError("option table of %s: the local table (255) belongs to the kernel (local and "
                              "broadcast addresses); use main, default or a number from 1 to %d other than 255"
                              % (obj, TABLE_MAX), 'table', obj)
    try:
        number = int(text)
    except ValueError:
        raise ValidationError("option table of %s: '%s' is not a table number or one of main, default"
                              % (obj, value), 'table', obj)
    if number < 1 or number > TABLE_MAX or number == TABLE_LOCAL:
        raise ValidationError("option table of %s: table %d is not usable (1 to %d, not 255: the kernel's "
                              "local table)" % (obj, number, TABLE_MAX), 'table', obj)
    return number


def _family_of(value):
    return 'ipv6' if value.version == 6 else 'ipv4'


class RouteKind(Kind):
    returns = 'route'
    argument_spec = dict(
        dst={'type': 'str', 'required': True},
        gateway={'type': 'str'},
        dev={'type': 'str'},
        metric={'type': 'int'},
        table={'type': 'raw'},
        family={'type': 'str', 'choices': ['ipv4', 'ipv6']},
        state=dict(common.OPTIONS['state']),
    )

    def desired(self, params):
        raw_dst = ('%s' % (params['dst'],)).strip() if params.get('dst') is not None else ''
        obj = 'route %s' % (raw_dst or '?')
        if not raw_dst:
            raise ValidationError("option dst of route: a destination is required (a network in CIDR form, "
                                  "or default)", 'dst', 'route')
        net = validate.network(raw_dst, 'dst', obj)
        gateway = None
        if params.get('gateway') not in (None, ''):
            gateway = validate.gateway(params['gateway'], 'gateway', obj)
        gw_family = _family_of(ipaddress.ip_address(gateway)) if gateway else None
        dst_family = None if net == 'default' else _family_of(net)
        family = params.get('family')
        if dst_family and family and family != dst_family:
            raise ValidationError("option family of %s: the destination is an %s network, not %s"
                                  % (obj, dst_family, family), 'family', obj)
        family = family or dst_family or gw_family or 'ipv4'
        if net == 'default' or net.prefixlen == 0:
            dst = 'default'
        else:
            dst = str(net)
        obj = 'route %s' % dst if dst != 'default' else 'route default (%s)' % family
        if gw_family and gw_family != family:
            raise ValidationError("option gateway of %s: gateway %s is an %s address but the route is %s"
                                  % (obj, gateway, gw_family, family), 'gateway', obj)
        table = _table(params.get('table'), obj)
        if table != TABLE_NAMES['main']:
            obj = '%s table %s' % (obj, table)
        dev = None
        if params.get('dev') not in (None, ''):
            dev = validate.ifname(params['dev'], 'dev', obj)
        metric = params.get('metric')
        if metric is None:
            metric = DEFAULT_METRIC[family]
        elif metric < 0 or metric > METRIC_MAX:
            raise ValidationError("option metric of %s: %s is out of range (0 to %d)" % (obj, metric, METRIC_MAX),
                                  'metric', obj)
        netns = validate.netns_ref(params.get('netns'), 'netns', obj)
        if params['state'] == 'present' and gateway is None and dev is None:
            raise ValidationError("option gateway of %s: a route needs a gateway or a dev (or both)" % obj,
                                  'gateway', obj)
        return {'obj': obj, 'netns': netns, 'state': params['state'],
                'route': {'family': family, 'dst': dst, 'gateway': gateway, 'dev': dev, 'metric': metric,
                          'table': table}}

    def observe(self, session, desired, ctx):
        netns = session.register(desired['netns'])
        links = common.observe_links(session, [(netns, 'netns')], ctx, obj=desired['obj'], peers=False)[netns]
        routes = session.routes(netns, links) if session.exists(netns) else []
        return {'netns': netns, 'links': links, 'routes': routes}

    @staticmethod
    def identity(route):
        return (route['family'], route['dst'], route['table'], route['metric'])

    @classmethod
    def find(cls, routes, want):
        """The observed route with the same identity as the kernel's, or None."""
        for route in routes:
            if cls.identity(route) == cls.identity(want):
                return route
        return None

    @staticmethod
    def picture(route, netns):
        if route is None:
            return {'state': 'absent'}
        pic = {'state': 'present', 'netns': netns}
        for key in ROUTE_FIELDS:
            pic[key] = route.get(key)
        return pic

    @staticmethod
    def describe(route):
        parts = ['route %s' % route['dst']]
        if route['dst'] == 'default':
            parts.append('(%s)' % route['family'])
        if route.get('gateway'):
            parts.append('via %s' % route['gateway'])
        if route.get('dev'):
            parts.append('dev %s' % route['dev'])
        if route['table'] != TABLE_NAMES['main']:
            parts.append('table %s' % route['table'])
        parts.append('metric %s' % route['metric'])
        return ' '.join(parts)

    @staticmethod
    def on_link(gateway, links, routes):
        """Whether an IPv4 gateway is on a subnet the namespace reaches directly: an address of one
        of its interfaces (``links``: {name: link} with 'addresses' in CIDR form), or a route with
        no gateway (a device route). The kernel refuses a route through any other gateway
        (ENETUNREACH); this is the same test without the kernel, so that check mode refuses it too.
        Conservative: an interface that is down counts, and any table."""
        ip = ipaddress.ip_address(gateway)
        if ip.version != 4:
            return True     # IPv6 gateways (link-local with a dev) are the kernel's own business
        for link in links.values():
            for cidr in link.get('addresses') or ():
                iface = ipaddress.ip_interface(cidr)
                if iface.version == 4 and ip in iface.network:
                    return True
        for route in routes:
            if route.get('family') == 'ipv4' and not route.get('gateway') and route.get('dst') not in (None, 'default'):
                try:
                    if ip in ipaddress.ip_network(route['dst'], strict=False):
                        return True
                except ValueError:
                    continue
        return False

    @staticmethod
    def unreachable_text(obj, gateway, netns):
        return ("option gateway of %s: %s is not on a subnet of any address (nor of a device route) in %s, so the "
                "kernel would refuse the route (ENETUNREACH); give the interface towards it an address of that "
                "subnet first" % (obj, gateway, ns_label(netns)))

    def plan(self, desired, observed, ctx):
        plan = Plan()
        want, netns, obj = desired['route'], observed['netns'], desired['obj']
        have = self.find(observed['routes'], want)
        key = self.key(desired, observed)
        before = self.picture(have, netns)
        if desired['state'] == 'absent':
            if have is not None and all(want[k] is None or want[k] == have.get(k) for k in ('gateway', 'dev')):
                params = dict(want)
                plan.add('route_del', netns, obj, params, option='dst', text='delete %s' % self.describe(have))
                plan.record(key, before, {'state': 'absent'})
            else:
                plan.record(key, before, before)
            return plan

        dev = want['dev']
        if dev is not None and dev not in observed['links']:
            common.missing(ctx, "option dev of %s: there is no interface '%s' in %s" % (obj, dev, ns_label(netns)),
                           'dev', obj)
        after = dict(have) if have is not None else dict(want)
        if have is None or have.get('gateway') != want['gateway'] or (dev is not None and have.get('dev') != dev):
            after.update(dict((k, v) for k, v in want.items() if v is not None or k == 'gateway'))
            verb = 'add' if have is None else 'replace'
            if (want['gateway'] and observed.get('check_gateway', True) and observed['links']
                    and not self.on_link(want['gateway'], observed['links'], observed['routes'])):
                raise ValidationError(self.unreachable_text(obj, want['gateway'], netns), 'gateway', obj)
            plan.add('route_add', netns, obj, dict(want), option='gateway' if want['gateway'] else 'dev',
                     text='%s %s' % (verb, self.describe(want)))
        picture = self.picture(after, netns)
        if plan.actions and dev is None:
            # Without a dev the kernel picks the interface that reaches the gateway: its choice,
            # which the plan cannot know (and a new gateway may well be on another interface).
            del picture['dev']
        plan.record(key, before, picture)
        return plan

    def read_back(self, session, desired, observed, ctx):
        netns = observed['netns']
        found = self.find(session.routes(netns), desired['route'])
        return {'route': self.picture(found, netns)}
