# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""sysctl kind: key parsing and validation, value normalisation, plan, read-back verification."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._state import sysctl
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.plugins.module_utils._state.sysctl import SysctlKind
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, FakeSession, params_for, run_steps


params = params_for(SysctlKind, name='net.ipv4.ip_forward', value='1', netns='ns1')


def session(values=None, namespaces=('ns1',)):
    """read_sysctl answers from ``values`` {(ref, path): text}; a missing entry is ENOENT."""
    return FakeSession(sysctls=values, existing=namespaces)


# -- key names --------------------------------------------------------------------------------
@pytest.mark.parametrize('name, parts', [
    ('net.ipv4.ip_forward', ['net', 'ipv4', 'ip_forward']),
    ('  net.ipv4.ip_forward ', ['net', 'ipv4', 'ip_forward']),
    ('net/ipv4/ip_forward', ['net', 'ipv4', 'ip_forward']),
    ('net.ipv4.conf.all.route_localnet', ['net', 'ipv4', 'conf', 'all', 'route_localnet']),
    ('net.ipv6.conf.all.disable_ipv6', ['net', 'ipv6', 'conf', 'all', 'disable_ipv6']),
    ('net.ipv4.conf.eth0.rp_filter', ['net', 'ipv4', 'conf', 'eth0', 'rp_filter']),
    # an interface name with dots, three ways
    ('net/ipv4/conf/eth0.1/forwarding', ['net', 'ipv4', 'conf', 'eth0.1', 'forwarding']),
    ('net.ipv4.conf.eth0.1.forwarding', ['net', 'ipv4', 'conf', 'eth0.1', 'forwarding']),
    ('net.ipv4.conf.eth0/1.forwarding', ['net', 'ipv4', 'conf', 'eth0.1', 'forwarding']),
    ('net.ipv6.neigh.br.0.100.base_reachable_time_ms', ['net', 'ipv6', 'neigh', 'br.0.100', 'base_reachable_time_ms']),
    ('net.ipv4.conf.a@b:c+d-e.rp_filter', ['net', 'ipv4', 'conf', 'a@b:c+d-e', 'rp_filter']),
    ('net.ipv4.tcp_rmem', ['net', 'ipv4', 'tcp_rmem']),
    ('net.netfilter.nf_conntrack_max', ['net', 'netfilter', 'nf_conntrack_max']),
])
def test_key_components(name, parts):
    assert sysctl.key_components(name) == parts


@pytest.mark.parametrize('name, pieces', [
    ('kernel.hostname', ['option name', 'sysctl kernel.hostname', 'not a net.* key', 'ansible.posix.sysctl']),
    ('vm/swappiness', ['option name', 'sysctl vm/swappiness', 'ansible.posix.sysctl']),
    ('Net.ipv4.ip_forward', ['option name', 'not a net.* key']),
    ('/proc/sys/net/ipv4/ip_forward', ['option name', "leading '/'", "write 'net/ipv4/ip_forward'"]),
    ('/net/ipv4/ip_forward', ['option name', "leading '/'"]),
    ('net/ipv4/../../kernel/hostname', ['option name', 'not a valid key', "no '..'"]),
    ('net/ipv4/./ip_forward', ['option name', 'not a valid key']),
    ('net.ipv4..ip_forward', ['option name', 'not a valid key']),
    ('net//ipv4/ip_forward', ['option name', 'not a valid key']),
    ('net.ipv4.ip_forward.', ['option name', 'not a valid key']),
    ('net.ipv4.conf.eth 0.rp_filter', ['option name', 'not a valid key']),
    ('net.ipv4.ip_forward;reboot', ['option name', 'not a valid key']),
    ('net/ipv4/conf/é/rp_filter', ['option name', 'not a valid key']),
    ('net/', ['option name', 'not a valid key']),
    ('net', ['option name', 'not a net.* key']),
    ('', ['option name', 'a key is required']),
    ('net.' + 'a' * 2000, ['option name', 'longer than']),
])
def test_key_components_refused(name, pieces):
    with pytest.raises(ValidationError) as err:
        sysctl.key_components(name)
    for piece in pieces:
        assert piece in err.value.msg
    assert err.value.option == 'name'


@pytest.mark.parametrize('parts, name', [
    (['net', 'ipv4', 'ip_forward'], 'net.ipv4.ip_forward'),
    (['net', 'ipv4', 'conf', 'eth0.1', 'forwarding'], 'net.ipv4.conf.eth0/1.forwarding'),
])
def test_dotted_is_sysctl8_form_and_round_trips(parts, name):
    assert sysctl.dotted(parts) == name
    assert sysctl.key_components(name) == parts


@pytest.mark.parametrize('parts, iface', [
    (['net', 'ipv4', 'conf', 'eth0.1', 'forwarding'], 'eth0.1'),
    (['net', 'ipv6', 'neigh', 'veth0', 'gc_stale_time'], 'veth0'),
    (['net', 'ipv4', 'conf', 'all', 'forwarding'], None),
    (['net', 'ipv4', 'conf', 'default', 'forwarding'], None),
    (['net', 'ipv4', 'ip_forward'], None),
])
def test_interface_of(parts, iface):
    assert sysctl.interface_of(parts) == iface


# -- values -----------------------------------------------------------------------------------
@pytest.mark.parametrize('value, text', [
    ('1', '1'), ('0', '0'), ('yes', '1'), ('no', '0'), ('True', '1'), ('false', '0'), ('ON', '1'), ('off', '0'),
    (True, '1'), (False, '0'),
    ('4096 87380 6291456', '4096 87380 6291456'),
    ('4096\t87380  6291456\n', '4096 87380 6291456'),
    (' 2 ', '2'),
    ('yesterday', 'yesterday'),
])
def test_value_text(value, text):
    assert sysctl.value_text(value, 'value', 'sysctl x') == text


@pytest.mark.parametrize('value, piece', [
    (None, 'a value is required'), ('', 'empty'), ('  \t', 'empty'), ('1\x00', 'control characters'),
])
def test_value_text_refused(value, piece):
    with pytest.raises(ValidationError) as err:
        sysctl.value_text(value, 'value', 'sysctl net.ipv4.ip_forward')
    assert err.value.msg.startswith('option value of sysctl net.ipv4.ip_forward: ')
    assert piece in err.value.msg


def test_desired():
    d = SysctlKind().desired(params(name='net/ipv4/conf/eth0.1/forwarding', value='yes', netns=4242))
    assert d == {'label': 'net/ipv4/conf/eth0.1/forwarding', 'obj': 'sysctl net/ipv4/conf/eth0.1/forwarding',
                 'name': 'net.ipv4.conf.eth0/1.forwarding', 'path': '/proc/sys/net/ipv4/conf/eth0.1/forwarding',
                 'interface': 'eth0.1', 'netns': '4242', 'value': '1', 'verify': True}


def test_desired_bad_netns_names_option_and_key():
    with pytest.raises(ValidationError) as err:
        SysctlKind().desired(params(netns='a/b'))
    assert err.value.msg.startswith('option netns of sysctl net.ipv4.ip_forward: ')


# -- observe ----------------------------------------------------------------------------------
PATH = '/proc/sys/net/ipv4/ip_forward'
RP = '/proc/sys/net/ipv4/conf/eth9/rp_filter'


def observe(name='net.ipv4.ip_forward', values=None, check_mode=False, namespaces=('ns1',), netns='ns1'):
    kind = SysctlKind()
    desired = kind.desired(params(name=name, netns=netns))
    ctx = Context(check_mode, False)
    return kind.observe(session(values, namespaces), desired, ctx), ctx


def test_observe_normalises_white_space():
    observed, ctx = observe(name='net.ipv4.tcp_rmem', values={('ns1', '/proc/sys/net/ipv4/tcp_rmem'): '4096\t87380\t6291456\n'})
    assert observed == {'netns': 'ns1', 'value': '4096 87380 6291456'}
    assert ctx.warnings == []


def test_observe_missing_key_names_key_and_namespace():
    with pytest.raises(NetvirtError) as err:
        observe(name='net.ipv4.conf.eth9.rp_filter')
    msg = err.value.msg
    assert msg.startswith('option name of sysctl net.ipv4.conf.eth9.rp_filter: no such key in namespace ')
    assert "namespace 'ns1'" in msg and RP in msg and "interface 'eth9'" in msg


def test_observe_missing_interface_key_in_check_mode_is_planned_with_a_warning():
    observed, ctx = observe(name='net.ipv4.conf.eth9.rp_filter', check_mode=True)
    assert observed == {'netns': 'ns1', 'value': None}
    assert len(ctx.warnings) == 1 and 'eth9' in ctx.warnings[0]


def test_observe_missing_plain_key_fails_even_in_check_mode():
    with pytest.raises(NetvirtError) as err:
        observe(name='net.ipv4.ip_forwardd', check_mode=True)
    assert 'sysctl net.ipv4.ip_forwardd' in err.value.msg


@pytest.mark.parametrize('code, piece', [
    (errno.EISDIR, 'a group of keys'),
    (errno.EACCES, 'write-only'),
    (errno.EIO, 'reading /proc/sys/net/ipv4/ip_forward in'),
])
def test_observe_other_read_errors(code, piece):
    with pytest.raises(NetvirtError) as err:
        observe(values={('ns1', PATH): IOError(code, 'x')})
    assert err.value.msg.startswith('option name of sysctl net.ipv4.ip_forward: ')
    assert piece in err.value.msg


def test_observe_missing_namespace_fails_naming_netns():
    with pytest.raises(NetvirtError) as err:
        observe(netns='nowhere')
    assert err.value.msg.startswith('option netns of sysctl net.ipv4.ip_forward: ')
    assert "'nowhere' does not exist" in err.value.msg


def test_observe_missing_namespace_in_check_mode_warns():
    observed, ctx = observe(netns='nowhere', check_mode=True)
    assert observed == {'netns': 'nowhere', 'value': None}
    assert "namespace 'nowhere' does not exist" in ctx.warnings[0]


def test_observe_current_namespace():
    observed, _ctx = observe(netns=None, values={(None, PATH): '0\n'})
    assert observed == {'netns': None, 'value': '0'}


# -- plan -------------------------------------------------------------------------------------
@pytest.mark.parametrize('name, value, have, ops', [
    ('net.ipv4.ip_forward', '1', '0', [('sysctl_set', 'ns1', {'path': PATH, 'value': '1'})]),
    ('net.ipv4.ip_forward', 'yes', '1', []),
    ('net.ipv4.ip_forward', '1', None, [('sysctl_set', 'ns1', {'path': PATH, 'value': '1'})]),
    ('net.ipv4.tcp_rmem', '4096\t87380 6291456', '4096 87380 6291456', []),
    ('net.ipv4.tcp_rmem', '4096 87380 6291457', '4096 87380 6291456',
     [('sysctl_set', 'ns1', {'path': '/proc/sys/net/ipv4/tcp_rmem', 'value': '4096 87380 6291457'})]),
    ('net/ipv4/conf/eth0.1/forwarding', '1', '0',
     [('sysctl_set', 'ns1', {'path': '/proc/sys/net/ipv4/conf/eth0.1/forwarding', 'value': '1'})]),
])
def test_plan(name, value, have, ops):
    kind = SysctlKind()
    desired = kind.desired(params(name=name, value=value))
    plan = kind.plan(desired, {'netns': 'ns1', 'value': have}, Context(False, False))
    assert [(a.op, a.netns, a.params) for a in plan.actions] == ops
    assert plan.changed is bool(ops)
    key = "sysctl %s (namespace 'ns1')" % name
    assert plan.before == {key: {'name': desired['name'], 'value': have}}
    assert plan.after == {key: {'name': desired['name'], 'value': desired['value']}}
    for action in plan.actions:
        assert action.option == 'value'
        assert action.describe() == "ns1: set sysctl %s to '%s'" % (name, desired['value'])


# -- result, and read_back after a real run that changed something ------------------------------
def result(kept, verify=True, check_mode=False, changed=True):
    """The runner's steps; the kernel holds '0' (or '1': unchanged), and ``kept`` after the write."""
    fake = session({('ns1', PATH): '0\n' if changed else '1\n'})

    def kernel_keeps(actions):
        fake.sysctls[('ns1', PATH)] = kept
    io = FakeIo(fake, on_apply=kernel_keeps)
    ran = run_steps(SysctlKind(), params(verify=verify), io, check_mode=check_mode)
    return ran.result, fake


def test_result_reads_back_after_a_change():
    out, fake = result('1\n')
    assert out == {'name': 'net.ipv4.ip_forward', 'value': '1', 'previous_value': '0', 'netns': 'ns1'}
    assert fake.reads('read_sysctl') == ['ns1', 'ns1']      # observe, then the read-back


def test_result_verify_fails_naming_key_when_kernel_kept_another_value():
    with pytest.raises(NetvirtError) as err:
        result('0\n')
    msg = err.value.msg
    assert msg.startswith('option value of sysctl net.ipv4.ip_forward: the kernel kept ')
    assert "'0'" in msg and "'1'" in msg and "namespace 'ns1'" in msg


def test_result_without_verify_returns_what_the_kernel_kept():
    out, _session = result('0\n', verify=False)
    assert out['value'] == '0'


def test_result_is_pure_and_read_back_replaces_its_value():
    kind = SysctlKind()
    desired = kind.desired(params(verify=False))
    observed = {'netns': 'ns1', 'value': '0'}
    plan = kind.plan(desired, observed, Context(False, False))
    assert kind.result(desired, observed, plan, Context(False, False)) == {
        'name': 'net.ipv4.ip_forward', 'value': '1', 'previous_value': '0', 'netns': 'ns1'}
    assert kind.read_back(session({('ns1', PATH): '2\n'}), desired, observed, None) == {'value': '2'}


def test_result_check_mode_and_unchanged_do_not_read_back():
    out, fake = result('0\n', check_mode=True)
    assert out['value'] == '1' and fake.reads('read_sysctl') == ['ns1']     # observe only
    out, fake = result('0\n', changed=False)
    assert out['value'] == '1' and out['previous_value'] == '1' and fake.reads('read_sysctl') == ['ns1']
