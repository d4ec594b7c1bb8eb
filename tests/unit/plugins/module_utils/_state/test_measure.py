# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""measure kind: validation, and expectations that fail naming the pair."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._state.measure import ExpectationsNotMet, MeasureKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.tests.unit.fakes import params_for

params = params_for(MeasureKind, pairs=[{'from': 'a', 'to': '10.0.0.2'}])


def pair(**kw):
    base = {'from': 'a', 'to': '10.0.0.2', 'rate_min': None, 'rtt_max': None, 'loss_max': None}
    base.update(kw)
    return base


@pytest.mark.parametrize('given, option', [
    ({'pairs': [pair(to='b')]}, 'pairs[0].to'),
    ({'pairs': [pair(rate_min='8mbits')]}, 'pairs[0].rate_min'),
    ({'pairs': [pair(rtt_max='-1ms')]}, 'pairs[0].rtt_max'),
    ({'pairs': [pair(loss_max=120.0)]}, 'pairs[0].loss_max'),
    ({'pairs': [pair(rate_min='8mbit')], 'duration': 0.0}, 'pairs[0].rate_min'),
    ({'pairs': [pair(loss_max=1.0)], 'pings': 0}, 'pairs[0]'),
    ({'duration': 100.0}, 'duration'),
    ({'pairs': []}, 'pairs'),
])
def test_bad_inputs_name_the_option(given, option):
    with pytest.raises(ValidationError) as err:
        MeasureKind().desired(params(**given))
    assert err.value.option == option


def test_unmet_expectations_name_the_pair_and_keep_the_results():
    kind = MeasureKind()
    desired = kind.desired(params(pairs=[pair(rate_min='8mbit', rtt_max='30ms', loss_max=5.0),
                                         pair(**{'from': 'b', 'to': '10.0.0.1', 'rate_min': '1mbit'})]))
    observed = {'results': [
        {'from': 'a', 'to': '10.0.0.2', 'mbit_per_s': 4.5, 'rtt_avg_ms': 40.0, 'loss_percent': 10.0},
        {'from': 'b', 'to': '10.0.0.1', 'mbit_per_s': 9.0, 'rtt_avg_ms': 1.0, 'loss_percent': 0.0}]}
    with pytest.raises(ExpectationsNotMet) as err:
        kind.result(desired, observed, kind.plan(desired, observed, None), Context(False, False))
    msg = err.value.msg
    assert 'a -> 10.0.0.2 (pairs[0])' in msg and '1 pair did not' in msg
    assert '4.5 Mbit/s is below rate_min 8 Mbit/s' in msg
    assert 'RTT avg 40 ms is above rtt_max 30 ms' in msg and 'loss 10% is above loss_max 5%' in msg
    assert 'b -> 10.0.0.1' not in msg
    results = err.value.result['results']
    assert [r['met'] for r in results] == [False, True]


def test_met_expectations_return_the_results():
    kind = MeasureKind()
    desired = kind.desired(params(pairs=[pair(rate_min='8mbit')]))
    observed = {'results': [{'from': 'a', 'to': '10.0.0.2', 'mbit_per_s': 9.5}]}
    out = kind.result(desired, observed, kind.plan(desired, observed, None), Context(False, False))
    assert out['results'][0]['met'] is True
