"""Every module's EXAMPLES (what `ansible-doc` shows) run for real, for every module interpreter, in a
sandbox of its own (examples_runner.py runs the playbooks there):

1. setup: the tasks tests/integration/examples_setup.yml lists for the module make what the examples
   assume exists (namespaces, veth pairs, a bridge, Docker's /var/run/docker/netns/<id>, a process
   with PID 4242 in a namespace of its own, a web server, ...); they must succeed;
2. examples: the module's EXAMPLES, read from the module file with `ast` (not imported) and loaded as
   YAML, as the tasks of one play, in their order: no task may fail or be skipped, and every example
   task must have run (the tasks reported are exactly the example tasks, blocks flattened; the PLAY
   RECAP's ok= is their number, skipped= and failed= are 0);
3. again: the same play a second time in the same sandbox, with the same checks. The rule for
   changes: an example task may report a change again only if examples_setup.yml lists it in the
   module's `changes_again`, i.e. a later example of the same list deliberately undoes it (create,
   then remove; attach, then detach), and then it must: the tasks changed in the second run are
   exactly the listed ones, each of which changed in the first run too (so the second run's changed
   count equals the first run's for those tasks, and is 0 for all others). An entry that names no
   example task is an error.
   `needs_kernel: {FEATURE: all | [task names]}` (KERNEL_PROBES: bridge_vlan_filtering): on a
   kernel without the feature (probed in a sandbox) those example tasks are left out, or the module's
   examples skipped with the reason when it is `all`.

The roles' README examples (every ```yaml block of roles/*/README.md) run the same way, with these
differences: a block is a list of plays (run as written; the inventory puts localhost in group `lab`
too, for `hosts: lab`) or a list of tasks (run in a play on localhost); the tasks of a role an example
task includes may be skipped (their `when`s), the example's own tasks may not, and must all have
run, in order; an include_role example task counts as changed when a task of the role it included
changed, so `changes_again` names the example's own tasks for READMEs too. Setup key and test id:
role-ROLE-N for the Nth yaml block of roles/ROLE/README.md.

The test runs as root in the sandbox, so `become` is switched off (`-e ansible_become=false`).
An example that cannot run as written is fixed in the module or README, not here. Test ids:
test_examples[pyroute2-0.9-bridge], test_examples[pyroute2-0.9-role-veth_pair-1]; select with
`make integration K=examples` (or K='examples and veth'). The output of the three runs is kept in
tests/output/integration/pyroute2-X.Y/examples/ID.log."""

import ast
import json
import os
import re
import subprocess

import pytest
import yaml

import subprocess

from harness import REPO, SANDBOX, module_pythons, run_runner

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, 'examples_runner.py')
SETUP = os.path.join(HERE, 'examples_setup.yml')
MODULES = os.path.join(REPO, 'plugins', 'modules')
RECAP = re.compile(r'^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)', re.M)
TASK = re.compile(r'^TASK \[(.*)\] \**$')
STATUS = re.compile(r'^(?:(ok|changed|skipping|fatal|failed): \[[^\]]+\]|(included): .* for \S+$)')


ROLES = os.path.join(REPO, 'roles')
YAML_BLOCK = re.compile(r'^```yaml\n(.*?)^```', re.M | re.S)


def _modules():
    return sorted(name[:-len('.py')] for name in os.listdir(MODULES) if name.endswith('.py') and not name.startswith('_'))


def readme_examples():
    """{'role-ROLE-N': YAML of the Nth ```yaml block of roles/ROLE/README.md}."""
    found = {}
    for role in sorted(os.listdir(ROLES)):
        path = os.path.join(ROLES, role, 'README.md')
        if os.path.isfile(path):
            with open(path) as handle:
                for number, match in enumerate(YAML_BLOCK.finditer(handle.read()), 1):
                    found['role-%s-%d' % (role, number)] = yaml.safe_load(match.group(1))
    return found


def example_ids():
    return _modules() + sorted(readme_examples())


def example_plays(example_id):
    """The plays of one example (a module's EXAMPLES, or a README block of tasks, in a play on localhost;
    a README block of plays as it is) and the names of the example's own tasks, in order."""
    content = examples(example_id) if example_id in _modules() else readme_examples()[example_id]
    assert isinstance(content, list) and content, '%s: the example is not a list' % example_id
    if all(isinstance(item, dict) and 'hosts' in item for item in content):
        assert example_id not in _modules(), '%s: EXAMPLES must be a task list, not plays' % example_id
        plays = content
    else:
        plays = [{'name': 'examples of %s' % example_id, 'hosts': 'localhost', 'gather_facts': False, 'tasks': content}]
    names = []
    for play in plays:
        for key in ('pre_tasks', 'tasks', 'post_tasks'):
            names.extend(leaf_tasks(play.get(key) or [], example_id))
    return plays, names


def examples(module):
    """The module's EXAMPLES string, loaded as YAML (the module file is parsed, not imported)."""
    path = os.path.join(MODULES, module + '.py')
    with open(path) as handle:
        tree = ast.parse(handle.read(), path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', None) == 'EXAMPLES' for target in node.targets):
            return yaml.safe_load(ast.literal_eval(node.value))
    raise AssertionError('%s has no EXAMPLES' % path)


def leaf_tasks(tasks, where):
    """The names of the tasks Ansible runs, in order: blocks (block, rescue, always) flattened. Every
    task must be a task (a play in a task list is an error) and have a name."""
    names = []
    for task in tasks:
        assert isinstance(task, dict) and 'hosts' not in task and 'import_playbook' not in task, \
            '%s: not a task (the examples must be a task list): %r' % (where, task)
        if 'block' in task:
            for key in ('block', 'rescue', 'always'):
                names.extend(leaf_tasks(task.get(key) or [], where))
            continue
        assert task.get('name'), '%s: a task without a name: %r' % (where, task)
        names.append(task['name'])
    return names


def _flatten(tasks):
    """Setup lists may hold lists (YAML aliases of shared setup pieces): one flat task list."""
    flat = []
    for task in tasks or []:
        flat.extend(_flatten(task) if isinstance(task, list) else [task])
    return flat


def load_setup():
    with open(SETUP) as handle:
        data = yaml.safe_load(handle)
    return {name: {'setup': _flatten(entry.get('setup')), 'changes_again': list(entry.get('changes_again') or []),
                   'requires_kinds': list(entry.get('requires_kinds') or []),
                   'needs_kernel': dict(entry.get('needs_kernel') or {})}
            for name, entry in data.items() if not name.startswith('x-')}


_KINDS = {}


def kernel_lacks(kind):
    """The kernel's refusal (text) when it has no driver for links of ``kind``, else None; probed once
    with `ip link add name nvprobe0 type KIND` in a sandbox of its own (nothing made reaches the
    machine). Only "Unknown device type" (EOPNOTSUPP from rtnl_newlink) counts: a kind that needs more
    (a vlan's parent and id) is refused otherwise by a kernel that has it."""
    if kind not in _KINDS:
        argv = [os.path.join(REPO, 'tools', 'sandbox'), 'ip', 'link', 'add', 'name', 'nvprobe0', 'type', kind]
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
        _KINDS[kind] = done.stdout.strip() if 'Unknown device type' in done.stdout else None
    return _KINDS[kind]


def task_results(output):
    """[(task name, status, detail)] from the default callback's output, in order; status is the
    worst of the task's result lines (failed > changed > ok > skipping), None when it printed none;
    detail is the first failure line."""
    results = []
    rank = {None: 0, 'skipping': 1, 'ok': 2, 'included': 2, 'changed': 3, 'failed': 4}
    for line in output.splitlines():
        match = TASK.match(line)
        if match:
            results.append([match.group(1), None, None])
            continue
        match = STATUS.match(line)
        if match and results:
            status = match.group(1) or match.group(2)
            status = 'failed' if status == 'fatal' else status
            if rank[status] > rank[results[-1][1]]:
                results[-1][1] = status
            if status == 'failed' and results[-1][2] is None:
                results[-1][2] = line
    return [tuple(result) for result in results]


def recap(output):
    """{host: {'ok', 'changed', 'unreachable', 'failed', 'skipped'}} from the PLAY RECAP."""
    _head, sep, tail = output.rpartition('PLAY RECAP')
    if not sep:
        return {}
    keys = ('ok', 'changed', 'unreachable', 'failed', 'skipped')
    return {m.group(1): dict(zip(keys, (int(n) for n in m.groups()[1:]))) for m in RECAP.finditer(tail)}


def failure_message(detail):
    """The msg of a `fatal: [host]: FAILED! => {...}` line, else the line."""
    _head, sep, payload = (detail or '').partition('=> ')
    if sep:
        try:
            return json.loads(payload).get('msg') or payload
        except ValueError:
            pass
    return detail


def test_parsers():
    text = ('TASK [a] ***\nok: [localhost]\n\nTASK [b "x"] ***\nchanged: [localhost] => (item=1)\nok: [localhost] => (item=2)\n'
            'TASK [c] ***\nskipping: [localhost]\nTASK [i] ***\nincluded: netvirt.linux.veth_pair for localhost\n'
            'TASK [d] ***\nfatal: [localhost]: FAILED! => {"changed": false, "msg": "bad mtu"}\n'
            'PLAY RECAP *********\nlocalhost                  : ok=2   changed=1    unreachable=0    failed=1    skipped=1    '
            'rescued=0    ignored=0   \n')
    results = task_results(text)
    assert [r[:2] for r in results] == [('a', 'ok'), ('b "x"', 'changed'), ('c', 'skipping'), ('i', 'included'), ('d', 'failed')]
    assert failure_message(results[4][2]) == 'bad mtu'
    assert recap(text) == {'localhost': {'ok': 2, 'changed': 1, 'unreachable': 0, 'failed': 1, 'skipped': 1}}
    assert example_status([('Gathering Facts', 'changed', None), ('i', 'included', None), ('r : x', 'changed', None), ('j', 'ok', None),
                           ('k', 'included', None), ('r : x', 'ok', None)], ['i', 'j', 'k']) == {'i': 'changed', 'j': 'ok', 'k': 'ok'}
    assert leaf_tasks([{'name': 'x', 'block': [{'name': 'y', 'debug': {}}], 'always': [{'name': 'z', 'debug': {}}]}], 'w') == ['y', 'z']
    with pytest.raises(AssertionError):
        leaf_tasks([{'hosts': 'all', 'tasks': []}], 'w')


def test_setup_covers_every_module():
    """examples_setup.yml has an entry for exactly the modules there are, every one with examples, and
    every task named in changes_again is an example task of its module."""
    setup = load_setup()
    assert sorted(setup) == sorted(example_ids())
    assert {'role-veth_pair-1', 'role-routed_subnets-2'} <= set(setup)
    for example_id, entry in setup.items():
        _plays, names = example_plays(example_id)
        assert names, '%s: no examples' % example_id
        assert len(set(names)) == len(names), '%s: two example tasks with the same name' % example_id
        unknown = [name for name in entry['changes_again'] if name not in names]
        assert not unknown, 'examples_setup.yml: %s: changes_again names no example task: %s' % (example_id, unknown)


def _params():
    return [pytest.param(python, example_id, id='%s-%s' % (python.label, example_id))
            for python in module_pythons() for example_id in example_ids()]


def _run(python, module, plays, tmp_path):
    setup = load_setup()[module]
    setup_path = tmp_path / 'setup.yml'
    setup_path.write_text(yaml.safe_dump([{'name': 'setup for the examples of %s' % module, 'hosts': 'localhost', 'gather_facts': False,
                                           'tasks': setup['setup']}], sort_keys=False, width=1000))
    examples_path = tmp_path / 'examples.yml'
    examples_path.write_text(yaml.safe_dump(plays, sort_keys=False, width=1000))
    inventory = tmp_path / 'inventory.ini'
    inventory.write_text('localhost ansible_connection=local\n\n[lab]\nlocalhost\n')
    specs = [str(inventory), 'setup=%s' % setup_path, 'examples=%s' % examples_path, 'again=%s' % examples_path]
    log = os.path.join(REPO, 'tests', 'output', 'integration', python.label, 'examples', '%s.log' % module)
    report = run_runner(RUNNER, [python.path] + specs, 'examples of %s (%s)' % (module, python.label), log,
                        {'ANSIBLE_CALLBACK_RESULT_FORMAT': 'json'})
    return setup, report, log


def _check_run(module, python, step, names, log):
    """One run of the examples: every example task ran, in order, none failed or was skipped (a role's
    own tasks, which only README examples have, may be skipped). [(name, status)] of every task."""
    where = '%s (%s), run "%s"' % (module, python.label, step['label'])
    results = task_results(step['output'])
    owner = None
    for name, status, detail in results:
        owner = name if name in names else owner
        if status == 'failed':
            task = ('example task "%s"' % name if name == owner else
                    'task "%s" (of example task "%s")' % (name, owner) if owner else 'task "%s"' % name)
            pytest.fail('%s: %s failed: %s\n(full log %s)' % (where, task, failure_message(detail), log), pytrace=False)
        if status == 'skipping' and name in names:
            pytest.fail('%s: example task "%s" was skipped (log %s)' % (where, name, log), pytrace=False)
    if step['rc'] != 0:
        pytest.fail('%s: ansible-playbook failed (exit %s; full log %s)\n---- last lines ----\n%s'
                    % (where, step['rc'], log, '\n'.join(step['output'].splitlines()[-60:])), pytrace=False)
    own = [(name, status) for name, status, _detail in results if name in names]
    assert [name for name, _status in own] == names, \
        '%s: the example tasks run are not the example tasks (log %s):\nran      %s\nexamples %s' % (
            where, log, [name for name, _status in own], names)
    silent = [name for name, status in own if status is None]
    assert not silent, '%s: example tasks without a result: %s (log %s)' % (where, silent, log)
    counts = recap(step['output']).get('localhost')
    assert counts is not None, '%s: no PLAY RECAP (log %s)' % (where, log)
    ran = [name for name, status, _detail in results if status in ('ok', 'changed', 'included')]
    skipped = [name for name, status, _detail in results if status == 'skipping']
    assert (counts['ok'], counts['failed'], counts['skipped']) == (len(ran), 0, len(skipped)), \
        '%s: PLAY RECAP %s, expected ok=%d failed=0 skipped=%d (log %s)' % (where, counts, len(ran), len(skipped), log)
    if module in _modules():
        assert (len(ran), len(skipped)) == (len(names), 0), '%s: not only the example tasks ran: %s (log %s)' % (where, results, log)
    changed = [name for name, status, _detail in results if status == 'changed']
    assert counts['changed'] == len(changed), '%s: PLAY RECAP %s, but %d tasks changed (log %s)' % (where, counts, len(changed), log)
    return example_status(results, names)


def example_status(results, names):
    """{example task: 'changed' or 'ok'}: a task that is not an example task (one of the role an
    example task included, or the facts gathered before the first) counts for the example task
    before it."""
    status = {}
    owner = None
    for name, result, _detail in results:
        if name in names:
            owner = name
            status[owner] = 'ok'
        if owner is not None and result == 'changed':
            status[owner] = 'changed'
    return status


# Kernel features some examples need (examples_setup.yml: `needs_kernel: {FEATURE: all | [example task names]}`),
# each with the command that makes a device of it; probed once, inside a sandbox of its own.
KERNEL_PROBES = {
    'bridge_vlan_filtering': ['ip', 'link', 'add', 'probe0', 'type', 'bridge', 'vlan_filtering', '1'],
}
_probed = {}


def kernel_has(feature):
    if feature not in _probed:
        proc = subprocess.run([SANDBOX] + KERNEL_PROBES[feature], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True, timeout=60,
                              check=False)
        _probed[feature] = (proc.returncode == 0, proc.stdout.strip())
    return _probed[feature]


def without_missing_features(module, plays, names):
    """Leave out the example tasks whose kernel feature this kernel lacks (a skip of the whole module's
    examples when every task needs it), saying which and why."""
    needs = (load_setup().get(module) or {}).get('needs_kernel') or {}
    dropped = []
    for feature, tasks in sorted(needs.items()):
        has, why = kernel_has(feature)
        if has:
            continue
        if tasks == 'all':
            pytest.skip('%s: this kernel has no %s (%s)' % (module, feature, why))
        dropped.extend(tasks)
    if not dropped:
        return plays, names
    unknown = [name for name in dropped if name not in names]
    assert not unknown, 'examples_setup.yml: %s: needs_kernel names no example task: %s' % (module, unknown)
    print('%s: left out (kernel lacks a feature): %s' % (module, dropped))
    for play in plays:
        play['tasks'] = [task for task in play.get('tasks') or [] if task.get('name') not in dropped]
    return plays, [name for name in names if name not in dropped]


@pytest.mark.parametrize('python,module', _params())
def test_examples(python, module, tmp_path):
    if python.error:
        pytest.fail(python.error, pytrace=False)
    for kind in load_setup().get(module, {}).get('requires_kinds', []):
        lacks = kernel_lacks(kind)
        if lacks:
            pytest.skip('this kernel cannot make a %s link (`ip link add ... type %s`: %s)' % (kind, kind, lacks))
    plays, names = without_missing_features(module, *example_plays(module))
    setup, report, log = _run(python, module, plays, tmp_path)
    runs = {step['label']: step for step in report['runs']}
    setup_run = runs['setup']
    if setup_run['rc'] != 0:
        failed = [(name, detail) for name, status, detail in task_results(setup_run['output']) if status == 'failed']
        pytest.fail('%s (%s): the setup of examples_setup.yml failed%s (log %s)\n---- last lines ----\n%s'
                    % (module, python.label, ' in task "%s": %s' % (failed[0][0], failure_message(failed[0][1])) if failed else '',
                       log, '\n'.join(setup_run['output'].splitlines()[-40:])), pytrace=False)

    first = _check_run(module, python, runs['examples'], names, log)
    second = _check_run(module, python, runs['again'], names, log)

    expected = [name for name in setup['changes_again'] if name in names]   # not those left out (needs_kernel)
    not_first = [name for name in expected if first[name] != 'changed']
    assert not not_first, '%s (%s): listed in changes_again but unchanged in the first run: %s (log %s)' % (
        module, python.label, not_first, log)
    unexpected = [name for name in names if second[name] == 'changed' and name not in expected]
    assert not unexpected, '%s (%s): the second run changed example tasks that must be idempotent: %s (log %s)' % (
        module, python.label, unexpected, log)
    missing = [name for name in expected if second[name] != 'changed']
    assert not missing, ('%s (%s): the second run did not change %s, listed in changes_again (undone by a later example): '
                         'is the later example broken, or the entry stale? (log %s)' % (module, python.label, missing, log))
