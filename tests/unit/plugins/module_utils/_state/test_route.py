# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The route kind: desired() validation and plan() from plain observed dicts
(the shape RouteKind.observe returns: {'netns', 'links': {name: link}, 'routes': [route...]},
routes as Session.routes gives them)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._state.route import RouteKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.tests.unit.fakes import params_for


params = params_for(RouteKind)


def route(dst, gateway=None, dev='eth0', metric=0, table=254, family='ipv4', proto='static'):
    return {'family': family, 'dst': dst, 'gateway': gateway, 'dev': dev, 'metric': metric, 'table': table,
            'proto': proto, 'scope': 'universe', 'type': 'unicast', 'prefsrc': None}


KERNEL_V4 = route('10.0.1.0/24', proto='kernel')
KERNEL_V6 = [route('fd00:1::/64', metric=256, family='ipv6', proto='kernel'),
             route('fe80::/64', metric=256, family='ipv6', proto='kernel')]


# the addresses that put the tests' gateways on a subnet of the namespace
ADDRESSES = {'eth0': ['10.0.1.1/24', 'fd00:1::1/64'], 'eth1': ['10.0.0.2/24']}


def observed(routes=(), links=('lo', 'eth0', 'eth1'), netns='ns1'):
    return {'netns': netns, 'links': dict((n, {'name': n, 'addresses': list(ADDRESSES.get(n, []))}) for n in links),
            'routes': list(routes)}


def make_plan(given, obs, check_mode=False):
    kind = RouteKind()
    ctx = Context(check_mode, True)
    plan = kind.plan(kind.desired(given), obs, ctx)
    return plan, ctx


def steps(plan):
    return [(a.op, a.params) for a in plan.actions]


# -- desired ------------------------------------------------------------------------------------
@pytest.mark.parametrize('given, expected', [
    (params(dst='10.2.0.0/24', gateway='10.0.1.254'),
     {'family': 'ipv4', 'dst': '10.2.0.0/24', 'gateway': '10.0.1.254', 'dev': None, 'metric': 0, 'table': 254}),
    (params(dst='FD00:2:0::/64', gateway='fd00:1::FE'),
     {'family': 'ipv6', 'dst': 'fd00:2::/64', 'gateway': 'fd00:1::fe', 'dev': None, 'metric': 1024, 'table': 254}),
    (params(dst='default', gateway='fd00:1::fe'),
     {'family': 'ipv6', 'dst': 'default', 'gateway': 'fd00:1::fe', 'dev': None, 'metric': 1024, 'table': 254}),
    (params(dst='default', dev='eth0'),
     {'family': 'ipv4', 'dst': 'default', 'gateway': None, 'dev': 'eth0', 'metric': 0, 'table': 254}),
    (params(dst='default', dev='eth0', family='ipv6'),
     {'family': 'ipv6', 'dst': 'default', 'gateway': None, 'dev': 'eth0', 'metric': 1024, 'table': 254}),
    (params(dst='0.0.0.0/0', gateway='10.0.0.1'),
     {'family': 'ipv4', 'dst': 'default', 'gateway': '10.0.0.1', 'dev': None, 'metric': 0, 'table': 254}),
    (params(dst='10.9.9.9', dev='eth1', metric=5, table='100'),
     {'family': 'ipv4', 'dst': '10.9.9.9/32', 'gateway': None, 'dev': 'eth1', 'metric': 5, 'table': 100}),
    (params(dst='10.9.0.0/16', dev='eth1', table=4294967295),
     {'family': 'ipv4', 'dst': '10.9.0.0/16', 'gateway': None, 'dev': 'eth1', 'metric': 0, 'table': 4294967295}),
    (params(dst='10.9.0.0/16', dev='eth1', table='default'),
     {'family': 'ipv4', 'dst': '10.9.0.0/16', 'gateway': None, 'dev': 'eth1', 'metric': 0, 'table': 253}),
    (params(dst='10.9.0.0/16', dev='eth1', table='main'),
     {'family': 'ipv4', 'dst': '10.9.0.0/16', 'gateway': None, 'dev': 'eth1', 'metric': 0, 'table': 254}),
    # absent needs neither gateway nor dev
    (params(dst='10.9.0.0/16', state='absent'),
     {'family': 'ipv4', 'dst': '10.9.0.0/16', 'gateway': None, 'dev': None, 'metric': 0, 'table': 254}),
])
def test_desired_good(given, expected):
    assert RouteKind().desired(given)['route'] == expected


def test_desired_object_names():
    assert RouteKind().desired(params(dst='10.2.0.0/24', dev='eth0'))['obj'] == 'route 10.2.0.0/24'
    assert RouteKind().desired(params(dst='default', gateway='fd00::1'))['obj'] == 'route default (ipv6)'
    assert RouteKind().desired(params(dst='10.2.0.0/24', dev='eth0', table=7))['obj'] == 'route 10.2.0.0/24 table 7'


@pytest.mark.parametrize('given, option, fragments', [
    (params(dst='10.2.0.1/24', gateway='10.0.1.254'), 'dst',
     ['option dst of route 10.2.0.1/24', 'host bits', 'did you mean 10.2.0.0/24']),
    (params(dst='10.2.0.0/33', gateway='10.0.1.254'), 'dst', ['option dst of route 10.2.0.0/33']),
    (params(dst='nowhere', gateway='10.0.1.254'), 'dst', ['option dst', "'nowhere'"]),
    (params(dst='', gateway='10.0.1.254'), 'dst', ['option dst of route', 'required']),
    (params(dst='10.2.0.0/24', gateway='10.0.1.300'), 'gateway', ['option gateway of route 10.2.0.0/24']),
    (params(dst='10.2.0.0/24', gateway='fd00::1'), 'gateway',
     ['option gateway of route 10.2.0.0/24', 'ipv6', 'ipv4']),
    (params(dst='default', gateway='10.0.0.1', family='ipv6'), 'gateway', ['option gateway of route default (ipv6)']),
    (params(dst='fd00::/64', dev='eth0', family='ipv4'), 'family', ['option family of route fd00::/64']),
    (params(dst='10.2.0.0/24'), 'gateway', ['option gateway of route 10.2.0.0/24', 'gateway or a dev']),
    (params(dst='10.2.0.0/24', dev='e/0'), 'dev', ['option dev of route 10.2.0.0/24']),
    (params(dst='10.2.0.0/24', dev='eth0', metric=-1), 'metric', ['option metric of route 10.2.0.0/24']),
    (params(dst='10.2.0.0/24', dev='eth0', metric=2 ** 32), 'metric', ['option metric of route 10.2.0.0/24']),
    (params(dst='10.2.0.0/24', dev='eth0', table=0), 'table', ['option table of route 10.2.0.0/24']),
    (params(dst='10.2.0.0/24', dev='eth0', table=255), 'table', ['option table of route 10.2.0.0/24', '255']),
    (params(dst='10.2.0.0/24', dev='eth0', table='local'), 'table', ['option table of route 10.2.0.0/24', 'local']),
    (params(dst='10.2.0.0/24', dev='eth0', table=2 ** 32), 'table', ['option table of route 10.2.0.0/24']),
    (params(dst='10.2.0.0/24', dev='eth0', table='mine'), 'table', ['option table of route 10.2.0.0/24', "'mine'"]),
    (params(dst='10.2.0.0/24', dev='eth0', table=True), 'table', ['option table of route 10.2.0.0/24']),
    (params(dst='10.2.0.0/24', dev='eth0', netns='a b'), 'netns', ['option netns of route 10.2.0.0/24']),
])
def test_desired_bad(given, option, fragments):
    with pytest.raises(ValidationError) as info:
        RouteKind().desired(given)
    assert info.value.option == option
    for fragment in fragments:
        assert fragment in info.value.msg, (fragment, info.value.msg)


# -- plan ---------------------------------------------------------------------------------------
ADD = {'family': 'ipv4', 'dst': '10.2.0.0/24', 'gateway': '10.0.1.254', 'dev': None, 'metric': 0, 'table': 254}


@pytest.mark.parametrize('given, routes, expected', [
    # new route
    (params(dst='10.2.0.0/24', gateway='10.0.1.254'), [KERNEL_V4], [('route_add', ADD)]),
    # already there (the kernel chose the dev)
    (params(dst='10.2.0.0/24', gateway='10.0.1.254'), [KERNEL_V4, route('10.2.0.0/24', '10.0.1.254')], []),
    # same dev given
    (params(dst='10.2.0.0/24', gateway='10.0.1.254', dev='eth0'), [route('10.2.0.0/24', '10.0.1.254')], []),
    # another gateway: replaced in place
    (params(dst='10.2.0.0/24', gateway='10.0.1.254'), [route('10.2.0.0/24', '10.0.1.1')], [('route_add', ADD)]),
    # another dev
    (params(dst='10.2.0.0/24', gateway='10.0.1.254', dev='eth1'), [route('10.2.0.0/24', '10.0.1.254')],
     [('route_add', dict(ADD, dev='eth1'))]),
    # a direct route wanted, the route has a gateway
    (params(dst='10.2.0.0/24', dev='eth0'), [route('10.2.0.0/24', '10.0.1.254')],
     [('route_add', dict(ADD, gateway=None, dev='eth0'))]),
    # another metric is another route
    (params(dst='10.2.0.0/24', gateway='10.0.1.254'), [route('10.2.0.0/24', '10.0.1.254', metric=100)],
     [('route_add', ADD)]),
    # another table is another route
    (params(dst='10.2.0.0/24', gateway='10.0.1.254'), [route('10.2.0.0/24', '10.0.1.254', table=100)],
     [('route_add', ADD)]),
    (params(dst='10.2.0.0/24', gateway='10.0.1.254', table=100), [route('10.2.0.0/24', '10.0.1.254', table=100)],
     []),
    # the connected route the kernel made is the one managed: no change
    (params(dst='10.0.1.0/24', dev='eth0'), [KERNEL_V4], []),
    # IPv6: default metric 1024; the kernel's metric 256 routes are other routes
    (params(dst='fd00:1::/64', dev='eth0'), KERNEL_V6,
     [('route_add', {'family': 'ipv6', 'dst': 'fd00:1::/64', 'gateway': None, 'dev': 'eth0', 'metric': 1024,
                     'table': 254})]),
    (params(dst='fd00:1::/64', dev='eth0', metric=256), KERNEL_V6, []),
    (params(dst='default', gateway='fd00:1::fe'),
     KERNEL_V6 + [route('default', 'fd00:1::fe', metric=1024, family='ipv6')], []),
    # an IPv4 default does not match the IPv6 one
    (params(dst='default', dev='eth0'), [route('default', None, metric=0, family='ipv6')],
     [('route_add', {'family': 'ipv4', 'dst': 'default', 'gateway': None, 'dev': 'eth0', 'metric': 0,
                     'table': 254})]),
])
def test_plan_present(given, routes, expected):
    plan, _ctx = make_plan(given, observed(routes))
    assert steps(plan) == expected
    assert plan.changed == bool(expected)


def test_plan_present_diff_and_texts():
    plan, _ctx = make_plan(params(dst='10.2.0.0/24', gateway='10.0.1.254', netns='ns1'),
                           observed([route('10.2.0.0/24', '10.0.1.1')]))
    assert plan.descriptions() == ['ns1: replace route 10.2.0.0/24 via 10.0.1.254 metric 0']
    assert plan.actions[0].option == 'gateway'
    diff = plan.diff()
    assert diff['before']['gateway'] == '10.0.1.1'
    assert diff['after']['gateway'] == '10.0.1.254'
    # no dev given: the kernel picks the one that reaches the new gateway (check_mode_truth found
    # the old dev predicted while the kernel had moved the route to another interface)
    assert diff['before']['dev'] == 'eth0'
    assert 'dev' not in diff['after']
    assert diff['before_header'] == "route 10.2.0.0/24 (namespace 'ns1')"


def test_plan_new_route_picture():
    plan, _ctx = make_plan(params(dst='default', gateway='10.0.0.1', netns='ns1'), observed())
    assert plan.descriptions() == ['ns1: add route default (ipv4) via 10.0.0.1 metric 0']
    assert plan.diff()['before'] == {'state': 'absent'}
    assert plan.diff()['after'] == {'state': 'present', 'netns': 'ns1', 'family': 'ipv4', 'dst': 'default',
                                    'gateway': '10.0.0.1', 'metric': 0, 'table': 254}


@pytest.mark.parametrize('given, routes, dev', [
    (params(dst='10.2.0.0/24', gateway='10.0.1.254', dev='eth1'), [route('10.2.0.0/24', '10.0.1.254')], 'eth1'),
    (params(dst='10.2.0.0/24', dev='eth0'), [], 'eth0'),
    (params(dst='10.2.0.0/24', gateway='10.0.1.254'), [route('10.2.0.0/24', '10.0.1.254')], 'eth0'),
], ids=['dev-given', 'direct-route', 'unchanged-keeps-what-is-there'])
def test_plan_after_shows_dev_when_known(given, routes, dev):
    plan, _ctx = make_plan(given, observed(routes))
    assert plan.diff()['after']['dev'] == dev


def test_plan_direct_route_names_option_dev():
    plan, _ctx = make_plan(params(dst='10.2.0.0/24', dev='eth1'), observed())
    assert plan.actions[0].option == 'dev'


def test_plan_dev_must_exist():
    with pytest.raises(ValidationError) as info:
        make_plan(params(dst='10.2.0.0/24', dev='eth9', netns='ns1'), observed())
    assert info.value.option == 'dev'
    assert "option dev of route 10.2.0.0/24: there is no interface 'eth9' in namespace 'ns1'" == info.value.msg


def test_plan_dev_missing_in_check_mode_warns():
    plan, ctx = make_plan(params(dst='10.2.0.0/24', dev='eth9'), observed(), check_mode=True)
    assert len(plan.actions) == 1
    assert 'eth9' in ctx.warnings[0]


@pytest.mark.parametrize('given, routes, expected', [
    (params(dst='10.2.0.0/24', state='absent'), [route('10.2.0.0/24', '10.0.1.1')],
     [('route_del', dict(ADD, gateway=None))]),
    (params(dst='10.2.0.0/24', gateway='10.0.1.1', state='absent'), [route('10.2.0.0/24', '10.0.1.1')],
     [('route_del', dict(ADD, gateway='10.0.1.1'))]),
    (params(dst='10.2.0.0/24', dev='eth0', state='absent'), [route('10.2.0.0/24', '10.0.1.1')],
     [('route_del', dict(ADD, gateway=None, dev='eth0'))]),
    # gateway or dev given and not matching: nothing to remove
    (params(dst='10.2.0.0/24', gateway='10.0.1.2', state='absent'), [route('10.2.0.0/24', '10.0.1.1')], []),
    (params(dst='10.2.0.0/24', dev='eth1', state='absent'), [route('10.2.0.0/24', '10.0.1.1')], []),
    # nothing there
    (params(dst='10.2.0.0/24', state='absent'), [], []),
    # another metric or table: another route
    (params(dst='10.2.0.0/24', state='absent'), [route('10.2.0.0/24', '10.0.1.1', metric=5)], []),
    (params(dst='10.2.0.0/24', state='absent', table=5), [route('10.2.0.0/24', '10.0.1.1')], []),
    (params(dst='fd00:2::/64', state='absent'), [route('fd00:2::/64', 'fd00:1::fe', metric=1024, family='ipv6')],
     [('route_del', {'family': 'ipv6', 'dst': 'fd00:2::/64', 'gateway': None, 'dev': None, 'metric': 1024,
                     'table': 254})]),
])
def test_plan_absent(given, routes, expected):
    plan, _ctx = make_plan(given, observed(routes))
    assert steps(plan) == expected
    diff = plan.diff()
    if expected:
        assert diff['before']['state'] == 'present' and diff['after'] == {'state': 'absent'}
    else:
        assert diff['before'] == diff['after']


def test_plan_absent_does_not_need_the_dev_to_exist():
    plan, _ctx = make_plan(params(dst='10.2.0.0/24', dev='gone0', state='absent'), observed())
    assert steps(plan) == []


# -- what the plan's route actions send (apply.py, with a fake session) -------------------------
class _Recorder(object):
    def __init__(self):
        self.calls = []

    def socket(self, ref):
        return self

    def link_lookup(self, ifname):
        return [7] if ifname == 'eth0' else []

    def route(self, command, **kwargs):
        self.calls.append((command, kwargs))


def _sent(given, routes=()):
    from ansible_collections.netvirt.linux.plugins.module_utils._netlink import apply
    plan, _ctx = make_plan(given, observed(routes))
    session = _Recorder()
    apply.apply_plan(session, plan.actions)
    return session.calls


def test_apply_direct_ipv4_route_has_scope_link():
    assert _sent(params(dst='10.2.0.0/24', dev='eth0')) == [
        ('replace', {'family': 2, 'dst': '10.2.0.0/24', 'table': 254, 'priority': 0, 'oif': 7, 'scope': 253})]


def test_apply_gateway_and_ipv6_routes_keep_the_default_scope():
    assert _sent(params(dst='default', gateway='10.0.1.254')) == [
        ('replace', {'family': 2, 'dst': '0.0.0.0/0', 'table': 254, 'priority': 0, 'gateway': '10.0.1.254'})]
    assert _sent(params(dst='fd00:2::/64', dev='eth0')) == [
        ('replace', {'family': 10, 'dst': 'fd00:2::/64', 'table': 254, 'priority': 1024, 'oif': 7})]


def test_apply_delete_matches_any_scope():
    calls = _sent(params(dst='10.2.0.0/24', state='absent'), [route('10.2.0.0/24', None)])
    assert calls == [('del', {'family': 2, 'dst': '10.2.0.0/24', 'table': 254, 'priority': 0, 'scope': 255})]


# -- a gateway the kernel would refuse (ENETUNREACH), refused in check mode too -------------------
@pytest.mark.parametrize('check_mode', [False, True])
def test_a_gateway_on_no_subnet_of_the_namespace_is_refused_before_the_kernel(check_mode):
    with pytest.raises(ValidationError) as err:
        make_plan(params(dst='10.9.0.0/16', gateway='192.0.2.1'), observed(), check_mode=check_mode)
    assert err.value.option == 'gateway'
    assert "option gateway of route 10.9.0.0/16: 192.0.2.1 is not on a subnet" in err.value.msg
    assert "namespace 'ns1'" in err.value.msg and 'ENETUNREACH' in err.value.msg


def test_a_gateway_on_a_device_route_is_on_link():
    plan, _ctx = make_plan(params(dst='10.9.0.0/16', gateway='192.0.2.1'),
                           observed([route('192.0.2.0/24', None, dev='eth0')]))
    assert [a.op for a in plan.actions] == ['route_add']


def test_a_gateway_in_a_namespace_check_mode_does_not_know_is_not_judged():
    plan, _ctx = make_plan(params(dst='10.9.0.0/16', gateway='192.0.2.1'), observed(links=()), check_mode=True)
    assert [a.op for a in plan.actions] == ['route_add']
