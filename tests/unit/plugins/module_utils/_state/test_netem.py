# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""netem kind: units in the kernel's terms, validation, the plan over observed qdisc trees, and
that what we hand pyroute2 is encoded as the canonical values (pyroute2's own encoder)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import tc
from ansible_collections.netvirt.linux.plugins.module_utils._state import netem
from ansible_collections.netvirt.linux.plugins.module_utils._state.netem import NetemKind, ROOT_HANDLE, CHILD_HANDLE
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, FakeSession, params_for, run_steps

params = params_for(NetemKind, interface='v0', netns='ns1')
ROOT = 0xffffffff


class QdiscSession(FakeSession):
    def __init__(self, qdiscs=(), netem=True, **kw):
        kw.setdefault('links', {'ns1': {'v0': {'name': 'v0', 'index': 7, 'kind': 'veth'}}})
        kw.setdefault('ifaces', {'ns1': {'v0': 7}})
        super(QdiscSession, self).__init__(**kw)
        self.qdisc_list = list(qdiscs)
        self.netem = netem

    def qdiscs(self, ref, index):
        assert (ref, index) == ('ns1', 7)
        return self.qdisc_list

    def qdisc_supported(self, kind):
        return self.netem


def run(qdiscs=(), check_mode=False, netem_ok=True, **given):
    io = FakeIo(session=QdiscSession(qdiscs, netem=netem_ok))
    return run_steps(NetemKind(), params(**given), io=io, check_mode=check_mode)


def tbf(rate=625000, buffer=156250, limit=68750):
    return {'kind': 'tbf', 'handle': ROOT_HANDLE, 'parent': ROOT,
            'options': {'rate': rate, 'buffer': buffer, 'limit': limit}}


NOQUEUE = {'kind': 'noqueue', 'handle': 0, 'parent': ROOT, 'options': {}}


# -- units ----------------------------------------------------------------------------------------
@pytest.mark.parametrize('text', ['5mbit', '5Mbit', '5000kbit', '625kbps', '625000bps', '0.625mbps'])
def test_rates_are_compared_in_bytes_per_second(text):
    assert netem.rate_bytes(text, 'rate', 'netem v0') == 625000


@pytest.mark.parametrize('text, ticks', [('15ms', 234375), ('15000us', 234375), ('1s', 15625000), ('0ms', 0)])
def test_times_are_kernel_ticks(text, ticks):
    assert netem.time_ticks(text, 'delay', 'netem v0')[1] == ticks


@pytest.mark.parametrize('option, value, words', [
    ('delay', '-5ms', ['option delay of netem v0', 'negative']),
    ('delay', '5', ['option delay of netem v0', 'no unit']),
    ('delay', '5min', ['option delay of netem v0', "unknown unit 'min'"]),
    ('delay', '1.5us', ['option delay of netem v0', 'whole number of microseconds']),
    ('loss', 101.0, ['option loss of netem v0', 'between 0 and 100']),
    ('loss', -1.0, ['option loss of netem v0', 'between 0 and 100']),
    ('rate', '0mbit', ['option rate of netem v0', 'above 0']),
    ('rate', '5mbits', ['option rate of netem v0', "unknown unit 'mbits'"]),
    ('rate', '50gbit', ['option rate of netem v0', '32-bit']),
    ('burst', '0', ['option burst of netem v0', 'above 0']),
])
def test_bad_values_name_the_option_and_the_interface(option, value, words):
    given = {option: value}
    if option == 'burst':
        given['rate'] = '5mbit'
    with pytest.raises(ValidationError) as err:
        NetemKind().desired(params(**given))
    for word in words:
        assert word in err.value.msg


@pytest.mark.parametrize('given, option', [
    ({'jitter': '1ms'}, 'jitter'),
    ({'delay': '1ms', 'delay_correlation': 20.0}, 'delay_correlation'),
    ({'loss_correlation': 20.0}, 'loss_correlation'),
    ({'reorder': 20.0}, 'reorder'),
    ({'burst': '32kb'}, 'burst'),
    ({'rate': '5mbit', 'burst': '64kb', 'queue': '32kb'}, 'queue'),
    ({'distribution': 'uniform'}, 'distribution'),
])
def test_options_that_need_another(given, option):
    with pytest.raises(ValidationError) as err:
        NetemKind().desired(params(**given))
    assert err.value.option == option


def test_present_needs_an_impairment():
    with pytest.raises(ValidationError) as err:
        NetemKind().desired(params())
    assert err.value.option == 'state'


def test_the_bucket_is_what_pyroute2_and_tc_compute():
    common = pytest.importorskip('pyroute2.netlink.rtnl.tcmsg.common')
    for rate, burst in ((625000, 6250), (1250000, 32768), (125, 3028), (10 ** 9 // 8, 15140), (1234567, 98765)):
        assert netem.buffer_ticks(rate, burst) == common.calc_xmittime(rate, burst)


def test_percentages_survive_pyroute2s_conversion():
    common = pytest.importorskip('pyroute2.netlink.rtnl.tcmsg.common')
    for pct in (0.1, 1, 1.5, 12.5, 33.3333, 50, 99.99, 100):
        u32 = netem.percent_u32(pct, 'loss', 'x')
        assert common.percent2u32(tc.percent_for(u32)) == u32


def test_pyroute2_encodes_our_netem_as_the_canonical_values():
    """What tc.netem_kwargs gives pyroute2's netem encoder comes out as the values we compare."""
    sched_netem = pytest.importorskip('pyroute2.netlink.rtnl.tcmsg.sched_netem')
    imp = netem.impairment({'delay': '15ms', 'jitter': '2ms', 'delay_correlation': 25.0, 'loss': 1.0,
                            'loss_correlation': 10.0, 'duplicate': 3.0, 'corrupt': 0.5, 'reorder': 25.0,
                            'reorder_correlation': 5.0, 'limit': 2000}, 'netem v0')
    spec = imp['netem']
    from ansible_collections.netvirt.linux.plugins.module_utils._netlink import loader
    got = sched_netem.get_parameters(tc.netem_kwargs(spec, loader.netem_duplicate_is_u32()))
    assert int(got['delay']) == spec['delay'] == 234375
    assert int(got['jitter']) == spec['jitter'] == 31250
    assert got['limit'] == 2000
    assert got['loss'] == spec['loss'] and got['duplicate'] == spec['duplicate']
    assert got['gap'] == 1
    attrs = dict(got['attrs'])
    assert attrs['TCA_NETEM_CORR'] == {'delay_corr': spec['delay_corr'], 'loss_corr': spec['loss_corr'], 'dup_corr': 0}
    assert attrs['TCA_NETEM_REORDER'] == {'prob_reorder': spec['reorder'], 'corr_reorder': spec['reorder_corr']}
    assert attrs['TCA_NETEM_CORRUPT'] == {'prob_corrupt': spec['corrupt'], 'corr_corrupt': 0}


def test_duplicate_for_a_pyroute2_that_sends_it_as_given():
    spec = netem.impairment({'duplicate': 50.0}, 'netem v0')['netem']
    assert tc.netem_kwargs(spec, duplicate_is_u32=True)['duplicate'] == 2147483647
    assert tc.netem_kwargs(spec, duplicate_is_u32=False)['duplicate'] == pytest.approx(50.0)


# -- plans ----------------------------------------------------------------------------------------
def test_a_rate_on_the_default_qdisc_adds_a_shaper_with_its_undo():
    ran = run([NOQUEUE], rate='5mbit', check_mode=True)
    (add,) = ran.plan.actions
    assert (add.op, add.params['kind'], add.params['handle'], add.params['parent']) == ('qdisc_add', 'tbf',
                                                                                        ROOT_HANDLE, ROOT)
    assert add.undo.op == 'qdisc_delete'
    assert add.option == 'rate'
    assert ran.result['netem']['shaper'] == {'rate': 625000, 'buffer': 156250, 'limit': 68750, 'rate_text': '5mbit'}
    assert ran.plan.diff()['before'] == {'state': 'absent', 'qdisc': 'noqueue'}


def test_the_same_shaper_in_other_units_changes_nothing():
    for text in ('5mbit', '625000bps', '625kbps'):
        ran = run([tbf()], rate=text)
        assert ran.plan.actions == []
        assert not ran.plan.changed


def test_a_new_rate_is_changed_in_place():
    ran = run([tbf()], rate='10mbit')
    (change,) = ran.plan.actions
    assert change.op == 'qdisc_change'
    assert change.params['options']['rate'] == 1250000
    assert change.describe() == 'ns1: change tbf 4e56: of v0 to rate 10mbit burst 12500 queue 137500'


def test_netem_joins_our_shaper_without_removing_it():
    ran = run([tbf()], rate='5mbit', delay='15ms')
    (add,) = ran.plan.actions
    assert (add.op, add.params['kind'], add.params['handle'], add.params['parent']) == \
        ('qdisc_add', 'netem', CHILD_HANDLE, ROOT_HANDLE | 1)


def test_a_kernel_without_netem_fails_before_any_change_in_check_mode_too():
    for check in (False, True):
        with pytest.raises(ValidationError) as err:
            run([tbf()], check_mode=check, netem_ok=False, rate='5mbit', delay='15ms')
        assert err.value.option == 'delay'
        assert 'CONFIG_NET_SCH_NETEM' in err.value.msg


def test_a_netem_attribute_back_to_zero_rebuilds_the_qdisc():
    spec = netem.impairment({'delay': '10ms', 'reorder': 10.0}, 'netem v0')['netem']
    have = {'kind': 'netem', 'handle': ROOT_HANDLE, 'parent': ROOT, 'options': netem.kernel_view(spec, netem.NETEM_KERNEL)}
    ran = run([have], delay='10ms')
    assert [a.op for a in ran.plan.actions] == ['qdisc_delete', 'qdisc_add']
    same = run([have], delay='10ms', reorder=10.0)
    assert same.plan.actions == []


@pytest.mark.parametrize('tree, named', [
    ([{'kind': 'htb', 'handle': 0x10000, 'parent': ROOT, 'options': {}}], 'htb 1: (root)'),
    ([{'kind': 'netem', 'handle': 0x80010000, 'parent': ROOT, 'options': {}}], 'netem 8001: (root)'),
    ([tbf(), {'kind': 'sfq', 'handle': 0x50000, 'parent': ROOT_HANDLE | 1, 'options': {}}], 'sfq 5: under tbf 4e56:'),
])
def test_a_foreign_qdisc_is_refused_naming_it_unless_forced(tree, named):
    for state in ('present', 'absent'):
        with pytest.raises(ValidationError) as err:
            run(tree, rate='5mbit', state=state)
        assert named in err.value.msg and err.value.option == 'force'
    ran = run(tree, rate='5mbit', force=True)
    assert [a.op for a in ran.plan.actions] == ['qdisc_delete', 'qdisc_add']
    assert ran.plan.actions[0].params['handle'] == tree[0]['handle']


def test_ingress_is_not_the_egress_root():
    ingress = {'kind': 'ingress', 'handle': 0xffff0000, 'parent': 0xfffffff1, 'options': {}}
    ran = run([NOQUEUE, ingress], rate='5mbit')
    assert [a.op for a in ran.plan.actions] == ['qdisc_add']


def test_absent_removes_ours_and_leaves_the_default():
    ran = run([tbf()], state='absent')
    (delete,) = ran.plan.actions
    assert (delete.op, delete.params['handle'], delete.params['parent']) == ('qdisc_delete', ROOT_HANDLE, ROOT)
    assert run([NOQUEUE], state='absent').plan.actions == []
    assert run([], state='absent').plan.actions == []


def test_a_missing_interface_names_the_option():
    io = FakeIo(session=QdiscSession(links={'ns1': {}}))
    with pytest.raises(ValidationError) as err:
        run_steps(NetemKind(), params(interface='v9', rate='5mbit'), io=io)
    assert err.value.option == 'interface' and "'v9'" in err.value.msg


def test_plain_options_from_pyroute2_shapes():
    class Nla(dict):
        def __init__(self, fields, attrs=None):
            super(Nla, self).__init__(fields)
            self.attrs = attrs or {}

        def get_attr(self, name):
            return self.attrs.get(name)

    tbf_opts = Nla({}, {'TCA_TBF_PARMS': Nla({'rate': 625000, 'buffer': 156250, 'limit': 68750})})
    assert tc.plain_options('tbf', tbf_opts) == {'rate': 625000, 'buffer': 156250, 'limit': 68750}
    netem_opts = Nla({'delay': 234375, 'jitter': 0, 'limit': 1000, 'loss': 42949672, 'gap': 0, 'duplicate': 0},
                     {'TCA_NETEM_CORR': Nla({'delay_corr': 0, 'loss_corr': 5, 'dup_corr': 0}),
                      'TCA_NETEM_REORDER': Nla({'prob_reorder': 0, 'corr_reorder': 0}),
                      'TCA_NETEM_CORRUPT': Nla({'prob_corrupt': 7, 'corr_corrupt': 0})})
    got = tc.plain_options('netem', netem_opts)
    assert got['delay'] == 234375 and got['loss'] == 42949672 and got['loss_corr'] == 5 and got['corrupt'] == 7
    assert sorted(got) == sorted(netem.NETEM_KERNEL)
