# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The iptables kind: desired() validation and plan() from plain observed dicts, in the shape
IptablesKind.observe returns: {'netns', 'backend', 'families': {4: {'table': parse_save(...),
'desired': [canonical specs], 'options': {spec: 'rules[i]'}}}}."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._iptables import rules
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._state.iptables import IptablesKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.tests.unit.fakes import params_for

M = '-m comment --comment "netvirt:filter/INPUT"'


params = params_for(IptablesKind, chain='INPUT')


def observed(text, desired_specs, table='filter', families=(4,)):
    parsed = rules.parse_save(text, table)
    fam = {'table': parsed, 'desired': desired_specs,
           'options': dict((s, 'rules[%d]' % i) for i, s in enumerate(desired_specs))}
    return {'netns': 'ns1', 'backend': 'nft', 'families': dict((f, fam) for f in families)}


SAVE = '''*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:LAB - [0:0]
-A INPUT -s 192.0.2.1/32 -j DROP
-A INPUT -p tcp %s -m tcp --dport 80 -j ACCEPT
-A FORWARD -j LAB
-A LAB -j ACCEPT
COMMIT
''' % M

PLANS = [
    # (params, desired canonical specs, expected lines)
    (params(), ['-p tcp %s -m tcp --dport 80 -j ACCEPT' % M],
     ['-D INPUT -p tcp %s -m tcp --dport 80 -j ACCEPT' % M, '-I INPUT 1 -p tcp %s -m tcp --dport 80 -j ACCEPT' % M]),
    (params(position='bottom'), ['-p tcp %s -m tcp --dport 80 -j ACCEPT' % M], []),
    (params(position='bottom', policy='DROP'), ['-p tcp %s -m tcp --dport 80 -j ACCEPT' % M], ['-P INPUT DROP']),
    (params(position='bottom', state='absent'), [], ['-D INPUT -p tcp %s -m tcp --dport 80 -j ACCEPT' % M]),
    (params(purge='all', position='bottom'), ['-p tcp %s -m tcp --dport 80 -j ACCEPT' % M], ['-D INPUT 1']),
    (params(chain='NEW'), ['-j ACCEPT'], [':NEW - [0:0]', '-A NEW -j ACCEPT']),
    (params(chain='LAB'), ['-j ACCEPT'], []),
    (params(chain='LAB'), ['-j DROP', '-j ACCEPT'], ['-I LAB 1 -j DROP']),
    (params(chain='NEW', state='absent'), [], []),
]


@pytest.mark.parametrize('args,specs,lines', PLANS)
def test_plan(args, specs, lines):
    kind = IptablesKind()
    desired = kind.desired(args)
    plan = kind.plan(desired, observed(SAVE, specs), Context(False, True))
    assert [a.params['line'] for a in plan.actions] == lines
    assert plan.changed is bool(lines)
    key = 'iptables filter/%s (namespace \'ns1\')' % args['chain']
    assert plan.before[key].startswith('# ipv4\n')


def test_plan_records_the_chain_as_text():
    kind = IptablesKind()
    desired = kind.desired(params(position='bottom', policy='DROP'))
    plan = kind.plan(desired, observed(SAVE, ['-j ACCEPT']), Context(True, True))
    diff = plan.diff()
    assert diff['before'] == '# ipv4\n:INPUT ACCEPT\n-A INPUT -s 192.0.2.1/32 -j DROP\n-A INPUT -p tcp %s -m tcp ' \
        '--dport 80 -j ACCEPT\n' % M
    assert diff['after'] == '# ipv4\n:INPUT DROP\n-A INPUT -s 192.0.2.1/32 -j DROP\n-A INPUT -j ACCEPT\n'
    assert plan.descriptions()[0] == 'ns1: set policy of filter/INPUT (ipv4) to DROP'


def test_absent_user_chain_still_referenced_names_the_rule():
    kind = IptablesKind()
    desired = kind.desired(params(chain='LAB', state='absent'))
    with pytest.raises(ValidationError) as err:
        kind.plan(desired, observed(SAVE, []), Context(False, False))
    assert err.value.option == 'state'
    assert "'-A FORWARD -j LAB'" in err.value.msg
    assert 'option state of iptables chain filter/LAB' in err.value.msg


def test_absent_user_chain_unreferenced_flushes_and_deletes():
    text = SAVE.replace('-A FORWARD -j LAB\n', '')
    kind = IptablesKind()
    plan = kind.plan(kind.desired(params(chain='LAB', state='absent')), observed(text, []), Context(False, False))
    assert [a.params['line'] for a in plan.actions] == ['-F LAB', '-X LAB']


@pytest.mark.parametrize('args,option,piece', [
    (params(chain='LAB', policy='DROP'), 'policy', 'only built-in chains'),
    (params(policy='DROP', state='absent'), 'policy', 'state=present'),
    (params(rules=[{'rule': '-j ACCEPT', 'jump': 'DROP'}]), 'rules[0]', 'not both'),
    (params(rules=[{}]), 'rules[0]', 'empty'),
    (params(rules=[{'source': 'fd00::1', 'jump': 'ACCEPT'}]), 'rules[0]', 'ip_version is ipv4'),
    (params(owner='has space'), 'owner', 'not a valid owner'),
    (params(table='nat', chain='POSTROUTING', policy='DROP'), 'policy', 'not for filtering'),
    (params(chain='POSTROUTING'), 'chain', 'no built-in chain'),
])
def test_desired_refuses(args, option, piece):
    with pytest.raises(ValidationError) as err:
        IptablesKind().desired(args)
    assert err.value.option == option
    assert piece in err.value.msg


def test_desired_both_families_routes_rules_by_address():
    desired = IptablesKind().desired(params(ip_version='both', rules=[
        {'source': '10.0.0.0/8', 'jump': 'ACCEPT'}, {'source': 'fd00::/8', 'jump': 'ACCEPT'},
        {'protocol': 'udp', 'destination_port': '53', 'jump': 'ACCEPT'}]))
    assert [r['families'] for r in desired['rules']] == [[4], [6], [4, 6]]
    assert desired['rules'][0]['spec'] == '-s 10.0.0.0/8 %s -j ACCEPT' % M


def test_duplicate_after_canonicalisation():
    with pytest.raises(ValidationError) as err:
        IptablesKind._unique([('rules[0]', 'a'), ('rules[1]', 'b')], ['x', 'x'], 4, 'OBJ')
    assert 'option rules[1] of OBJ (ipv4): the same rule as rules[0]' in err.value.msg
