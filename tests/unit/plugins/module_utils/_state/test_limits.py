# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Limits a large lab hits, refused before the kernel: ports on one bridge, open files."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._state import common
from ansible_collections.netvirt.linux.plugins.module_utils._state.bridge import BridgeKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.topology import TopologyKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.tests.unit.fakes import params as fake_params, params_for

LIMIT = common.BRIDGE_MAX_PORTS


def ports(n, bridge='br0'):
    links = {'br0': {'name': 'br0', 'kind': 'bridge', 'addresses': [], 'up': True, 'bridge': {}}}
    for i in range(n):
        links['p%d' % i] = {'name': 'p%d' % i, 'kind': 'veth', 'master': bridge, 'addresses': []}
    return links


def test_the_limit_is_what_the_kernel_takes():
    assert LIMIT == 1023      # measured: the 1024th attach fails with EXFULL


def test_check_master_counts_the_ports_of_the_bridge():
    common.check_master(ports(LIMIT - 1), 'br0', 'ns1', 'master', 'veth v0')
    with pytest.raises(ValidationError) as err:
        common.check_master(ports(LIMIT), 'br0', 'ns1', 'master', 'veth v0')
    assert err.value.msg == ("option master of veth v0: bridge 'br0' in namespace 'ns1' would have 1024 ports; the "
                             "kernel takes at most 1023 ports on one bridge (use more bridges, joined by veths)")
    # a link that already is a port takes no new place
    common.check_master(ports(LIMIT), 'br0', 'ns1', 'master', 'veth p0', link={'master': 'br0'})


bridge_params = params_for(BridgeKind)


@pytest.mark.parametrize('existing, wanted, purge, refused', [
    (0, LIMIT, False, False),
    (0, LIMIT + 1, False, True),
    (LIMIT, 1, False, True),          # one more beside the ones there
    (LIMIT, 1, True, False),          # purge_ports: the others go
])
def test_bridge_ports_over_the_limit(existing, wanted, purge, refused):
    links = ports(existing)
    names = ['q%d' % i for i in range(wanted)]
    for name in names:
        links[name] = {'name': name, 'kind': 'veth', 'master': None, 'addresses': []}
    kind = BridgeKind()
    desired = kind.desired(bridge_params(name='br0', netns='ns1', ports=names, purge_ports=purge))
    observed = {'netns': 'ns1', 'links': links, 'fdb': None}
    if not refused:
        kind.plan(desired, observed, Context(False, False))
        return
    with pytest.raises(ValidationError) as err:
        kind.plan(desired, observed, Context(False, False))
    assert err.value.option == 'ports'
    assert 'the kernel takes at most 1023 ports on one bridge' in err.value.msg


def topology(n_links, existing=0, detach=()):
    links = [{'name': 'v%d' % i, 'master': 'br0', 'peer': {'name': 'e%d' % i}} for i in range(n_links)]
    links += [{'name': name, 'master': '', 'peer': {'name': 'x' + name}} for name in detach]
    params = fake_params(TopologyKind, name='t', bridges=[{'name': 'br0'}], links=links)
    here = ports(existing)
    for name in detach:
        here[name]['peer'] = {'name': 'x' + name, 'netns': None}
        here['x' + name] = {'name': 'x' + name, 'kind': 'veth', 'master': None, 'addresses': []}
    kind = TopologyKind()
    desired = kind.desired(params)
    observed = {'record': {'namespaces': {}, 'refs': [], 'routes': []}, 'owned': {}, 'namespaces': {},
                'ref_of': {}, 'links': {None: here}, 'routes': {}, 'sysctls': [], 'doomed_nsids': {}}
    return kind, desired, observed


def test_topology_counts_the_ports_over_its_whole_plan():
    kind, desired, observed = topology(LIMIT)
    kind.plan(desired, observed, Context(False, False))
    kind, desired, observed = topology(LIMIT + 1)
    with pytest.raises(ValidationError) as err:
        kind.plan(desired, observed, Context(False, False))
    assert err.value.option == 'links[1023].master'
    assert "bridge 'br0' in the current namespace would have 1024 ports" in err.value.msg


def test_topology_counts_the_ports_already_there_and_a_detach_makes_no_room():
    kind, desired, observed = topology(2, existing=LIMIT - 1)
    with pytest.raises(ValidationError):
        kind.plan(desired, observed, Context(False, False))
    # the new veth is attached when it is created, before the detach runs: the kernel would refuse it
    kind, desired, observed = topology(1, existing=LIMIT, detach=['p0'])
    with pytest.raises(ValidationError) as err:
        kind.plan(desired, observed, Context(False, False))
    assert err.value.option == 'links[0].master'
    kind, desired, observed = topology(0, existing=LIMIT, detach=['p0'])
    plan = kind.plan(desired, observed, Context(False, False))
    assert [a.params for a in plan.actions if a.op == 'link_set' and a.params.get('master') == ''] == \
        [{'name': 'p0', 'master': ''}]


@pytest.mark.parametrize('limits, refused', [
    ((1024, 1024), False),        # 100 namespaces, their locks and the reserve fit
    ((700, 700), True),
    ((None, None), False),        # no limit
])
def test_topology_refuses_a_lab_the_open_files_limit_cannot_hold(limits, refused):
    desired = {'name': 't', 'namespaces': [{'name': 'ns%d' % i} for i in range(100)], 'bridges': [],
               'links': [], 'routes': [], 'sysctls': []}
    if not refused:
        TopologyKind._check_fd_limit(desired, limits)
        return
    with pytest.raises(NetvirtError) as err:
        TopologyKind._check_fd_limit(desired, limits)
    assert err.value.option == 'namespaces'
    assert err.value.msg.startswith('option namespaces of topology t: 100 namespaces need about 712 open files, and '
                                    'this process may open 700')
