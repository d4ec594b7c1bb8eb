# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module wrapper: one path for check mode, changed/actions/diff from the plan, errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import loader
from ansible_collections.netvirt.linux.plugins.module_utils._runner import runner
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Plan
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeSession

pytestmark = pytest.mark.skipif(not loader.HAS_PYROUTE2, reason='the runner needs pyroute2 to get past its check')


class Exit(Exception):
    pass


class FakeModule(object):
    def __init__(self, params=None, check_mode=False, diff=False):
        self.params = params or {}
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []
        self.result = None

    def warn(self, text):
        self.warnings.append(text)

    def exit_json(self, **kw):
        self.result = dict(kw, failed=False)
        raise Exit()

    def fail_json(self, **kw):
        self.result = dict(kw, failed=True)
        raise Exit()


class RecordingKind(Kind):
    """Plans one action; records whether anything was applied."""

    def __init__(self, fail_in=None, exc=None):
        self.fail_in = fail_in
        self.exc = exc

    def desired(self, params):
        if self.fail_in == 'desired':
            raise self.exc
        return dict(params)

    def observe(self, session, desired, ctx):
        if self.fail_in == 'observe':
            raise self.exc
        ctx.warn('a warning from observe')
        return {'seen': True}

    def plan(self, desired, observed, ctx):
        plan = Plan()
        plan.add('sysctl_set', None, 'sysctl x', {'path': '/nonexistent/never-written', 'value': '1'},
                 text='set x to 1')
        plan.record('sysctl x', {'value': '0'}, {'value': '1'})
        return plan

    def result(self, desired, observed, plan, ctx):
        return {'value': '1'}


def run(kind, module):
    with pytest.raises(Exit):
        runner.run(kind, module=module)
    return module.result


def test_check_mode_plans_reports_and_applies_nothing():
    module = FakeModule(check_mode=True, diff=True)
    result = run(RecordingKind(), module)
    assert result['failed'] is False
    assert result['changed'] is True
    assert result['actions'] == ['set x to 1']
    assert result['diff'] == {'before': {'value': '0'}, 'after': {'value': '1'},
                              'before_header': 'sysctl x', 'after_header': 'sysctl x'}
    assert result['value'] == '1'
    assert module.warnings == ['a warning from observe']


def test_real_run_applies_and_a_kernel_refusal_fails_naming_the_action():
    # Outside check mode the same plan is applied: writing the (missing) file fails.
    result = run(RecordingKind(), FakeModule())
    assert result['failed'] is True
    assert 'set x to 1 failed' in result['msg']
    assert result['actions'] == ['set x to 1']


def test_no_diff_unless_asked():
    result = run(RecordingKind(), FakeModule(check_mode=True))
    assert 'diff' not in result


def test_validation_error_fails_with_its_message():
    exc = ValidationError('option name of veth v0: bad', 'name', 'veth v0')
    result = run(RecordingKind('desired', exc), FakeModule())
    assert result == {'msg': 'option name of veth v0: bad', 'failed': True}


def test_an_error_carrying_a_result_returns_it_with_the_failure():
    exc = ValidationError('option expect of reachability: 1 of 2 expectations not met', 'expect', 'reachability')
    exc.result = {'results': [{'met': False}], 'summary': {'unmet': 1}}
    result = run(RecordingKind('observe', exc), FakeModule(check_mode=True))
    assert result['failed'] is True
    assert result['msg'] == 'option expect of reachability: 1 of 2 expectations not met'
    assert result['results'] == [{'met': False}]
    assert result['summary'] == {'unmet': 1}


@pytest.mark.parametrize('exc, pieces', [
    (loader.NetlinkError(errno.EPERM), ['reading the network state failed', 'permission denied', 'errno 1']),
    (OSError(errno.EPERM, 'Operation not permitted'), ['reading the network state failed', 'permission denied']),
])
def test_errors_while_observing_are_explained(exc, pieces):
    result = run(RecordingKind('observe', exc), FakeModule())
    assert result['failed'] is True
    for piece in pieces:
        assert piece in result['msg']


def test_common_argument_spec_has_netns():
    spec = runner.argument_spec(RecordingKind())
    assert spec['netns'] == {'type': 'raw'}


class CheckingKind(RecordingKind):
    """Records which of apply and check the runner called; check refuses when told to."""

    def __init__(self, refuse=False):
        super(CheckingKind, self).__init__()
        self.calls = []
        self.refuse = refuse

    def apply(self, session, plan, ctx):
        self.calls.append('apply')

    def check(self, session, plan, ctx):
        self.calls.append('check')
        if self.refuse:
            raise ValidationError('option rules[1] of thing t: the kernel would refuse it', 'rules[1]', 'thing t')


@pytest.mark.parametrize('check_mode, calls', [(True, ['check']), (False, ['apply'])])
def test_check_mode_calls_check_instead_of_apply(check_mode, calls):
    kind = CheckingKind()
    result = run(kind, FakeModule(check_mode=check_mode))
    assert kind.calls == calls and result['changed'] is True


def test_a_refusal_in_check_fails_check_mode_with_the_plan():
    result = run(CheckingKind(refuse=True), FakeModule(check_mode=True))
    assert result['failed'] is True
    assert result['msg'] == 'option rules[1] of thing t: the kernel would refuse it'
    assert result['actions'] == ['set x to 1']


# -- the contract: close on every path, read_back only after a real run that changed something ---
class ContractKind(RecordingKind):
    """Logs the runner's calls; ``fail_in`` raises there; ``changes``: whether the plan has an action."""

    def __init__(self, fail_in=None, changes=True):
        super(ContractKind, self).__init__(fail_in, ValidationError('option x of thing t: refused', 'x', 'thing t'))
        self.changes = changes
        self.calls = []

    def observe(self, session, desired, ctx):
        self.calls.append('observe')
        return super(ContractKind, self).observe(session, desired, ctx)

    def plan(self, desired, observed, ctx):
        self.calls.append('plan')
        if self.fail_in == 'plan':
            raise self.exc
        return super(ContractKind, self).plan(desired, observed, ctx) if self.changes else Plan()

    def apply(self, session, plan, ctx):
        self.calls.append('apply')
        if self.fail_in == 'apply':
            raise self.exc

    def check(self, session, plan, ctx):
        self.calls.append('check')

    def result(self, desired, observed, plan, ctx):
        self.calls.append('result')
        if self.fail_in == 'result':
            raise self.exc
        return {'value': 'planned', 'kept': 'from result'}

    def read_back(self, session, desired, observed, ctx):
        self.calls.append('read_back')
        if self.fail_in == 'read_back':
            raise self.exc
        return {'value': 'read back'}

    def close(self, ctx):
        self.calls.append('close')


@pytest.fixture
def fake_session(monkeypatch):
    """The runner's session is a FakeSession (no kernel); it is handed out once and closed."""
    session = FakeSession()
    monkeypatch.setattr(runner, 'Session', lambda: session)
    return session


@pytest.mark.parametrize('fail_in, calls', [
    ('observe', ['observe', 'close']),
    ('plan', ['observe', 'plan', 'close']),
    ('apply', ['observe', 'plan', 'apply', 'close']),
    ('result', ['observe', 'plan', 'apply', 'result', 'close']),
    ('read_back', ['observe', 'plan', 'apply', 'result', 'read_back', 'close']),
])
def test_close_is_called_on_every_failing_path(fake_session, fail_in, calls):
    kind = ContractKind(fail_in)
    result = run(kind, FakeModule())
    assert result['failed'] is True and result['msg'] == 'option x of thing t: refused'
    assert kind.calls == calls
    assert fake_session.closed


@pytest.mark.parametrize('check_mode, changes, calls, value', [
    (False, True, ['observe', 'plan', 'apply', 'result', 'read_back', 'close'], 'read back'),
    (True, True, ['observe', 'plan', 'check', 'result', 'close'], 'planned'),
    (False, False, ['observe', 'plan', 'result', 'close'], 'planned'),
    (True, False, ['observe', 'plan', 'result', 'close'], 'planned'),
], ids=['real-run-changed', 'check-mode', 'unchanged', 'check-mode-unchanged'])
def test_read_back_only_after_a_real_run_that_changed_and_its_values_replace_results(
        fake_session, check_mode, changes, calls, value):
    kind = ContractKind(changes=changes)
    result = run(kind, FakeModule(check_mode=check_mode))
    assert result['failed'] is False and result['changed'] is changes
    assert kind.calls == calls
    assert result['value'] == value and result['kept'] == 'from result'
    assert fake_session.closed


def test_the_kinds_get_the_io_floors_through_ctx(fake_session):
    seen = {}

    class Looking(ContractKind):
        def observe(self, session, desired, ctx):
            seen.update(session=session, io=ctx.io, ctx_session=ctx.session)
            return {}
    run(Looking(changes=False), FakeModule())
    assert seen['session'] is fake_session and seen['ctx_session'] is fake_session
    assert isinstance(seen['io'], runner.Io) and seen['io'].session is fake_session


def test_the_runner_locks_the_namespace_in_the_lock_folder(tmp_path, monkeypatch):
    from ansible_collections.netvirt.linux.plugins.module_utils._host import lock
    monkeypatch.setattr(lock, 'LOCK_DIR', str(tmp_path))
    kind = CheckingKind()
    run(kind, FakeModule(check_mode=False))
    assert [f for f in sorted(tmp_path.iterdir()) if f.name.startswith('netns-')], \
        'the runner took no namespace lock in LOCK_DIR (it must never fall back to /run/netvirt in a test)'


def test_the_runner_also_locks_what_the_kind_knows_from_its_records_before_observe(tmp_path, monkeypatch):
    from ansible_collections.netvirt.linux.plugins.module_utils._host import lock
    monkeypatch.setattr(lock, 'LOCK_DIR', str(tmp_path))
    seen = {}

    class Recorded(CheckingKind):
        def recorded_locks(self, desired, io):
            seen['io'] = io
            return ['only-in-the-record']

        def observe(self, session, desired, ctx):
            seen['held'] = sorted(f.name for f in tmp_path.iterdir())
            return {}
    run(Recorded(), FakeModule(check_mode=False))
    assert isinstance(seen['io'], runner.Io)
    assert 'netns-name-only-in-the-record.lock' in seen['held'], seen['held']
