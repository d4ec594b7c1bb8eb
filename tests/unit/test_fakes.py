# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared fakes tell the truth: params() is what AnsibleModule hands a module (for every
kind, sub-options included), FakeSession answers like Session where the tests lean on it, and
run_steps calls a kind as the runner does."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import loader
from ansible_collections.netvirt.linux.plugins.module_utils._netlink.session import Session
from ansible_collections.netvirt.linux.plugins.module_utils._runner import runner
from ansible_collections.netvirt.linux.plugins.module_utils._state.bridge import BridgeKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.interface import InterfaceKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.iptables import IptablesKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.net_info import NetInfoKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.netns import NetnsKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.reachability import ReachabilityKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.route import RouteKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.sysctl import SysctlKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.topology import TopologyKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.tuntap import TuntapKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.veth import VethKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.vxlan import VxlanKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Plan
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeSession, params, run_steps

# (kind, options a task gives: enough for the module's own checks, and sub-options to fill)
GIVEN = [
    (BridgeKind, {'name': 'br0'}),
    (InterfaceKind, {'name': 'eth0'}),
    (IptablesKind, {'chain': 'INPUT', 'rules': [{'protocol': 'tcp', 'jump': 'ACCEPT'}]}),
    (NetInfoKind, {}),
    (NetnsKind, {'name': 'ns1'}),
    (ReachabilityKind, {'probes': [{'to': '10.0.0.2'}]}),
    (RouteKind, {'dst': 'default', 'gateway': '10.0.0.1'}),
    (SysctlKind, {'name': 'net.ipv4.ip_forward', 'value': '1'}),
    (TopologyKind, {'name': 'lab', 'namespaces': [{'name': 'ns1'}], 'bridges': [{'name': 'br0'}],
                    'links': [{'name': 'v0', 'peer': {'name': 'eth0', 'netns': 'ns1'}}],
                    'routes': [{'dst': 'default', 'gateway': '10.0.0.1', 'netns': 'ns1'}],
                    'sysctls': [{'name': 'net.ipv4.ip_forward', 'value': '1'}],
                    'vxlans': [{'name': 'vx0', 'vni': 5, 'remote': '192.0.2.2'}],
                    'tuntaps': [{'name': 'tap0', 'mode': 'tap'}]}),
    (TuntapKind, {'name': 'tap0', 'mode': 'tap'}),
    (VethKind, {'name': 'v0', 'peer': {'name': 'eth0'}}),
    (VxlanKind, {'name': 'vx0', 'vni': 42, 'remote': '10.0.0.2'}),
]


def ansible_params(kind_class, given, monkeypatch):
    """What AnsibleModule itself makes of ``given`` with the kind's argument spec."""
    monkeypatch.setattr(basic, '_ANSIBLE_ARGS', to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': given})))
    monkeypatch.setattr(basic, '_ANSIBLE_PROFILE', 'legacy', raising=False)
    module = basic.AnsibleModule(argument_spec=kind_class.options(), supports_check_mode=True,
                                 **kind_class.module_kwargs)
    return module.params


@pytest.mark.parametrize('kind_class, given', GIVEN, ids=[k.__name__ for k, _g in GIVEN])
def test_params_is_what_ansible_module_hands_over(kind_class, given, monkeypatch):
    assert params(kind_class, **given) == ansible_params(kind_class, given, monkeypatch)


def test_params_refuses_an_option_the_spec_does_not_have():
    with pytest.raises(TypeError) as err:
        params(VethKind, name='v0', peer={'name': 'eth0', 'colour': 'red'})
    assert 'VethKind.peer: unsupported parameters colour' in str(err.value)


def test_fake_fd_of_a_missing_namespace_says_what_session_says(tmp_path):
    """The same message as the real Session.fd (built on a path that does not exist)."""
    missing = str(tmp_path / 'no-such-netns')
    real = Session.__new__(Session)     # no socket, no namespace entered
    real._home = None
    real._fds = {}
    with pytest.raises(NetvirtError) as want:
        real.fd(missing, 'peer.netns', 'veth v0')
    with pytest.raises(NetvirtError) as got:
        FakeSession().fd(missing, 'peer.netns', 'veth v0')
    assert (got.value.msg, got.value.option, got.value.obj) == (want.value.msg, want.value.option, want.value.obj)


def test_fake_canonical_first_registered_reference_wins():
    fake = FakeSession(existing=['red', '/run/netns/red', '4242'],
                       identities={None: (4, 1), 'red': (4, 2), '/run/netns/red': (4, 2), '4242': (4, 1)})
    assert fake.register('/run/netns/red') == '/run/netns/red'
    assert fake.register('red') == '/run/netns/red'
    assert fake.register('4242') is None            # the module's own namespace
    assert fake.canonical('nowhere') == 'nowhere'


# -- run_steps goes the runner's way ---------------------------------------------------------------
class Logging(Kind):
    def __init__(self, changes, fail_in=None):
        self.changes, self.fail_in, self.calls = changes, fail_in, []

    def _log(self, name):
        self.calls.append(name)
        if name == self.fail_in:
            raise ValidationError('option x of thing t: refused', 'x', 'thing t')

    def observe(self, session, desired, ctx):
        self._log('observe')
        return {}

    def plan(self, desired, observed, ctx):
        self._log('plan')
        plan = Plan()
        if self.changes:
            plan.add('sysctl_set', None, 'sysctl x', {'path': '/nonexistent', 'value': '1'})
        return plan

    def apply(self, session, plan, ctx):
        self._log('apply')

    def check(self, session, plan, ctx):
        self._log('check')

    def result(self, desired, observed, plan, ctx):
        self._log('result')
        return {}

    def read_back(self, session, desired, observed, ctx):
        self._log('read_back')
        return {}

    def close(self, ctx):
        self._log('close')


class Exit(Exception):
    pass


class Module(object):
    def __init__(self, check_mode):
        self.params, self.check_mode, self._diff = {}, check_mode, False

    def warn(self, text):
        pass

    def exit_json(self, **kw):
        raise Exit()

    fail_json = exit_json


@pytest.mark.skipif(not loader.HAS_PYROUTE2, reason='the runner needs pyroute2 to get past its check')
@pytest.mark.parametrize('check_mode', [False, True])
@pytest.mark.parametrize('changes', [False, True])
@pytest.mark.parametrize('fail_in', [None, 'plan', 'apply'])
def test_run_steps_calls_the_kind_as_the_runner_does(monkeypatch, check_mode, changes, fail_in):
    monkeypatch.setattr(runner, 'Session', FakeSession)
    real = Logging(changes, fail_in)
    with pytest.raises(Exit):
        runner.run(real, module=Module(check_mode))
    fake = Logging(changes, fail_in)
    try:
        run_steps(fake, {}, check_mode=check_mode)
    except ValidationError:
        pass
    assert fake.calls == real.calls
