# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which iptables commands the iptables kind runs (observe -> plan -> apply against a fake
iptables that keeps one table per IP version as text and prints rules as given, except what a
test tells it to print differently): exact rules skip the scratch round trip only in a real run
on one IP version, one payload is committed without --test, two are tested first, and a refusal
at COMMIT that names no line is traced to its rule."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ApplyError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._iptables import canon
from ansible_collections.netvirt.linux.plugins.module_utils._state.iptables import IptablesKind
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, FakeSession, params, run_steps

M = '-m comment --comment "netvirt:filter/INPUT"'
HEAD = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n'


class FakeIptables(object):
    """Holds the target's filter table per family; the scratch table is rebuilt by each restore."""

    def __init__(self, rules=None, chains=(), canonical=None, refuse=None, refuse_line=True, user_targets=(),
                 refuse_commit=None):
        self.rules = {4: list(rules or []), 6: list(rules or [])}
        self.chains = list(chains)
        self.canonical = canonical or {}    # given text -> printed text
        self.refuse = refuse                # a spec the kernel refuses
        self.refuse_line = refuse_line      # nft names the line; legacy does not
        self.scratch = []
        self.log = []
        self.user_targets = set(user_targets)   # words of -j that are user chains: refused when not declared
        self.refuse_commit = refuse_commit      # (family, spec): refused at the real commit only, not by --test

    def save(self, family, specs, chains):
        lines = [HEAD] + [':%s - [0:0]\n' % c for c in chains]
        lines += ['-A %s\n' % s for s in specs]
        return ''.join(lines) + 'COMMIT\n'

    def run(self, argv, stdin, where):
        family = 6 if argv[0].startswith('ip6') else 4
        self.log.append((where, argv[0].rsplit('-', 1)[1], '--test' in argv, stdin))
        if argv[0].endswith('save'):
            if where == 'scratch':
                return 0, self.save(family, self.scratch, []), ''
            return 0, self.save(family, self.rules[family], self.chains), ''
        lines = stdin.splitlines()[1:-1]
        declared = set(l[1:].split(' ', 1)[0] for l in lines if l.startswith(':'))
        declared.update(self.chains if where == 'target' else ())
        for line in lines:
            words = line.split()
            target = words[words.index('-j') + 1] if '-j' in words else None
            if target in self.user_targets and target not in declared:
                return 2, '', "iptables-restore v1.8.9 (nf_tables): Chain '%s' does not exist\n" % target
        for n, line in enumerate(lines):
            if self.refuse and self.refuse in line:
                if self.refuse_line:
                    return 2, '', 'iptables-restore v1.8.9 (nf_tables): line %d: RULE_APPEND failed\n' % (n + 2)
                return 1, '', 'iptables-restore: line %d failed\n' % (len(lines) + 2)
        if self.refuse_commit and where == 'target' and '--test' not in argv and family == self.refuse_commit[0]:
            for n, line in enumerate(lines):
                if self.refuse_commit[1] in line:
                    return 4, '', 'ip6tables-restore v1.8.9 (nf_tables): line %d: RULE_INSERT failed (No such file)\n' % (
                        n + 2)
        if where == 'scratch':
            self.scratch = [self._print(l.split(' ', 1)[1]) for l in lines if l.startswith('-A ')]
        elif '--test' not in argv:
            for line in lines:
                if line.startswith('-A '):
                    self.rules[family].append(self._print(line.split(' ', 1)[1]))
                elif line.startswith('-I '):
                    words = line.split(' ', 3)
                    self.rules[family].insert(int(words[2]) - 1, '%s %s' % (words[1], self._print(words[3])))
                elif line.startswith('-D ') and line.split(' ')[2].isdigit():
                    chain, number = line.split(' ')[1:3]
                    mine = [i for i, r in enumerate(self.rules[family]) if r.split(' ', 1)[0] == chain]
                    del self.rules[family][mine[int(number) - 1]]
                elif line.startswith('-D '):
                    self.rules[family].remove(line[3:])
        return 0, '', ''

    def _print(self, text):
        chain, _sep, spec = text.partition(' ')
        return '%s %s' % (chain, self.canonical.get(spec, spec))


class FakeRunner(object):
    """Stands for _iptables.command.Runner; ``scratch`` says whether a scratch namespace is held
    (made by a scratch run, let go by reset_scratch or close)."""
    fake = None
    made = []

    def __init__(self, session, ref):
        self.log = []
        self.scratch = False
        self.made.append(self)

    def run(self, argv, stdin=None, where='target'):
        self.log.append('%s: %s' % (where, ' '.join(argv)))
        if where == 'scratch':
            self.scratch = True
        return self.fake.run(argv, stdin, where)

    def read_file(self, path):
        return None

    def reset_scratch(self):
        self.scratch = False

    def close(self):
        self.reset_scratch()


class FakeTools(object):
    """What ctx.io.iptables gives the kind (``_iptables.command``): the runner and the default backend."""
    Runner = FakeRunner

    @staticmethod
    def default_backend():
        return 'nft'


@pytest.fixture
def fake():
    def make(**kw):
        FakeRunner.fake = FakeIptables(**kw)
        return FakeRunner.fake
    return make


def run(rules, check_mode=False, **kw):
    """The runner's steps (observe, plan, check or apply, result, close) on the fake iptables."""
    args = {'netns': 'ns1', 'table': 'filter', 'chain': 'INPUT', 'ip_version': 'ipv4', 'rules': rules,
            'backend': 'nft'}
    args.update(kw)
    io = FakeIo(FakeSession(existing=['ns1']), iptables=FakeTools)
    del FakeRunner.made[:]
    try:
        ran = run_steps(IptablesKind(), params(IptablesKind, **args), io, check_mode=check_mode)
    finally:    # close() let the lock and the scratch namespace go, on every path (a refusal too)
        assert io.lock.held == [] and io.lock.released == [io.session.identity('ns1')]
        assert [r.scratch for r in FakeRunner.made] == [False]
    return ran.plan, ran.result


def port(n):
    return {'protocol': 'tcp', 'destination_port': str(n), 'jump': 'ACCEPT'}


def spec(n):
    return '-p tcp %s -m tcp --dport %d -j ACCEPT' % (M, n)


def steps(fake):
    return [(where, tool, test) for where, tool, test, _stdin in fake.log]


def test_new_exact_rules_one_read_one_commit(fake):
    ipt = fake()
    plan, result = run([port(n) for n in range(3)])
    assert steps(ipt) == [('target', 'save', False), ('target', 'restore', False)]
    assert ipt.rules[4] == ['INPUT %s' % spec(n) for n in range(3)]
    assert result['rules']['ipv4'] == [spec(n) for n in range(3)]
    assert plan.changed


def test_check_mode_same_plan_then_the_kernel_checks_the_rules_in_the_scratch(fake):
    ipt = fake()
    plan, result = run([port(n) for n in range(3)], check_mode=True)
    assert steps(ipt) == [('target', 'save', False), ('scratch', 'restore', False)]
    assert ipt.rules[4] == []
    real_plan, real_result = run([port(n) for n in range(3)])
    assert [a.describe() for a in plan.actions] == [a.describe() for a in real_plan.actions]
    assert plan.diff() == real_plan.diff() and result['rules'] == real_result['rules']


@pytest.mark.parametrize('refuse_line', [True, False])
def test_check_mode_fails_where_the_commit_would(fake, refuse_line):
    ipt = fake(refuse='--dport 2 ', refuse_line=refuse_line)
    with pytest.raises(ValidationError) as err:
        run([port(1), port(2), port(3)], check_mode=True)
    assert err.value.option == 'rules[1]'
    assert 'option rules[1] of iptables chain filter/INPUT (ipv4): iptables refused the rule' in err.value.msg
    assert ipt.rules[4] == [] and not [t for t in steps(ipt) if t[0] == 'target' and t[1] == 'restore']


def test_only_the_inexact_rule_goes_to_the_scratch(fake):
    ipt = fake(canonical={'-p tcp %s -m tcp --dport http -j ACCEPT' % M: spec(80)})
    run([port(1), {'protocol': 'tcp', 'destination_port': 'http', 'jump': 'ACCEPT'}])
    scratch_payloads = [stdin for where, tool, _t, stdin in ipt.log if where == 'scratch' and tool == 'restore']
    assert len(scratch_payloads) == 1
    assert '--dport http' in scratch_payloads[0] and '--dport 1 ' not in scratch_payloads[0]
    assert ipt.rules[4] == ['INPUT %s' % spec(1), 'INPUT %s' % spec(80)]


def test_a_rule_of_ours_not_found_verbatim_sends_all_new_rules_to_iptables(fake):
    # an older rule of ours that this iptables prints in a way we did not render: it might be one of
    # the wanted rules, so iptables must print them all before anything is decided
    ipt = fake(rules=['INPUT -p tcp %s -m tcp --dport 0x50 -j ACCEPT' % M])
    run([port(1), port(2)])
    scratch = [stdin for where, tool, _t, stdin in ipt.log if where == 'scratch' and tool == 'restore']
    assert len(scratch) == 1 and '--dport 1 ' in scratch[0] and '--dport 2 ' in scratch[0]


def test_no_change_is_one_read(fake):
    ipt = fake(rules=['INPUT %s' % spec(n) for n in range(3)])
    plan, _result = run([port(n) for n in range(3)])
    assert steps(ipt) == [('target', 'save', False)]
    assert not plan.changed


def test_jump_to_a_user_chain_is_trusted_only_if_it_exists(fake):
    ipt = fake(chains=['LAB'])
    run([{'in_interface': 'br0', 'jump': 'LAB'}])
    assert ('scratch', 'restore', False) not in steps(ipt)
    ipt = fake()
    run([{'in_interface': 'br0', 'jump': 'LAB'}])
    assert ('scratch', 'restore', False) in steps(ipt)


def test_two_ip_versions_test_both_before_committing(fake):
    ipt = fake()
    run([port(1)], ip_version='both')
    assert steps(ipt) == [('target', 'save', False), ('scratch', 'restore', False), ('scratch', 'save', False),
                          ('target', 'save', False), ('scratch', 'restore', False), ('scratch', 'save', False),
                          ('target', 'restore', True), ('target', 'restore', True),
                          ('target', 'restore', False), ('target', 'restore', False)]
    assert [argv for where, argv, _t, _s in ipt.log if where == 'target' and argv == 'restore']
    assert ipt.rules[4] == ipt.rules[6] == ['INPUT %s' % spec(1)]


@pytest.mark.parametrize('before', [[], [1, 5]])
def test_ipv6_refused_at_its_commit_after_ipv4_went_in_puts_ipv4_back(fake, before):
    # both payloads pass --test; the IPv6 commit fails (the kernel refuses at COMMIT what --test let
    # through, or something changed in between): IPv4, committed already, is restored as it was
    foreign = 'INPUT -i lo -j ACCEPT'
    ipt = fake(rules=[foreign] + ['INPUT %s' % spec(n) for n in before], refuse_commit=(6, '--dport 3 '))
    was = list(ipt.rules[4])
    with pytest.raises(ApplyError) as err:
        run([port(1), port(2), port(3)], ip_version='both')
    assert err.value.option == 'rules[2]'
    msg = err.value.msg
    assert 'option rules[2] of iptables chain filter/INPUT (ipv6): iptables-restore refused' in msg
    assert '--dport 3 ' in msg and 'ipv4, committed just before, was put back as it was' in msg
    assert ipt.rules[4] == was and ipt.rules[6] == was
    commits = [(argv, stdin) for where, argv, test, stdin in ipt.log if where == 'target' and argv == 'restore'
               and not test]
    assert len(commits) == 3        # IPv4, IPv6 (refused), IPv4 undo


def test_undo_that_fails_says_so(fake):
    ipt = fake(refuse_commit=(6, '--dport 3 '))
    real = ipt.run

    def run_refusing_undo(argv, stdin, where):
        if where == 'target' and not argv[0].startswith('ip6') and '-D INPUT' in (stdin or ''):
            return 1, '', 'iptables-restore: line 2 failed\n'
        return real(argv, stdin, where)
    ipt.run = run_refusing_undo
    with pytest.raises(ApplyError) as err:
        run([port(1), port(3)], ip_version='both')
    assert 'putting back ipv4 (' in err.value.msg and 'a re-run converges' in err.value.msg
    assert 'nothing was changed' not in err.value.msg
    assert ipt.rules[4] == ['INPUT %s' % spec(1), 'INPUT %s' % spec(3)] and ipt.rules[6] == []


def test_refusal_naming_a_line_names_the_rule(fake):
    ipt = fake(refuse='--dport 2 ')
    with pytest.raises(ApplyError) as err:
        run([port(1), port(2), port(3)])
    assert err.value.option == 'rules[1]'
    assert 'option rules[1] of iptables chain filter/INPUT (ipv4)' in err.value.msg
    assert ipt.rules[4] == []


def test_refusal_at_commit_without_a_line_is_traced_to_its_rule(fake):
    ipt = fake(refuse='--dport 2 ', refuse_line=False)
    with pytest.raises(ApplyError) as err:
        run([port(1), port(2), port(3)])
    assert err.value.option == 'rules[1]'
    assert '--dport 2 ' in err.value.msg
    assert ipt.rules[4] == []
    # one by one in the scratch namespace, up to the refused rule
    assert steps(ipt)[2:] == [('scratch', 'restore', False), ('scratch', 'restore', False)]


def test_check_mode_takes_a_missing_jump_target_as_made_by_an_earlier_task(fake):
    """A rule jumping to a chain an earlier task of the run creates: check mode plans it as the real run
    does once that chain exists, and warns once; a real run without the chain still fails."""
    rules = [{'jump': 'NV-LATER'}, port(1)]
    ipt = fake(user_targets=['NV-LATER'])
    io = FakeIo(FakeSession(existing=['ns1']), iptables=FakeTools)
    args = params(IptablesKind, netns='ns1', table='filter', chain='INPUT', ip_version='ipv4', rules=rules,
                  backend='nft')
    ran = run_steps(IptablesKind(), args, io, check_mode=True)
    assert ipt.rules[4] == []
    assert ran.ctx.warnings == ['check mode: a rule jumping to a chain that does not exist yet is checked as if an '
                                'earlier task of the run created that chain, empty (a real run fails if none does)']
    with pytest.raises(ValidationError) as err:
        run(rules)
    assert "Chain 'NV-LATER' does not exist" in err.value.msg and err.value.option == 'rules[0]'
    fake(user_targets=['NV-LATER'], chains=['NV-LATER'])
    real_plan, _result = run(rules)
    assert [a.describe() for a in ran.plan.actions] == [a.describe() for a in real_plan.actions]


def test_missing_chain_from_iptables_words():
    assert canon.missing_chain("iptables-restore v1.8.9 (nf_tables): Chain 'NV-X' does not exist\n") == 'NV-X'
    assert canon.missing_chain("iptables-restore v1.8.9 (legacy): Couldn't load target `NV-X':No such file") == 'NV-X'
    assert canon.missing_chain('iptables-restore: line 3 failed') is None
    assert canon.missing_chain(None) is None
