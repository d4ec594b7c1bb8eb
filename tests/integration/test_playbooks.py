"""Every seed lab playbook (playbooks/seed_*.yml), the demo (playbooks/demo.yml) and Mininet's checks built
with the graph generator filters (playbooks/mininet_*.yml), for every module
interpreter, in a sandbox of its own (playbook_runner.py runs the three plays there): it converges, a
second run changes nothing (changed=0 in the PLAY RECAP), the teardown (`-e lab_state=absent`)
succeeds, and afterwards the network is exactly as before (snapshot.py: no namespace, link, address,
route or rule left; an iptables table left loaded but empty - no rule, no user chain, every policy
ACCEPT - counts as not there).
The demo (playbook_runner.CHECK_FIRST) is first run with `--check --diff` on the fresh sandbox: it must
change nothing, and the tasks it says would change are, in order, those the converge run then changes.
Test ids: test_playbook[pyroute2-0.9-seed_002_veth_bridge]; select with `make integration K=seed_002`
(or K=mininet_nets).
The converge run writes the lab's report (-e lab_report=...): it must be there, with the picture (an SVG with a
node per namespace of the lab) and a matrix whose every expectation is met; kept as
tests/output/integration/pyroute2-X.Y/playbooks/NAME-report.html.
The ansible output of the three runs is kept in tests/output/integration/pyroute2-X.Y/playbooks/NAME.log."""

import json
import os
import re

import pytest

from harness import REPO, module_pythons, run_runner
from playbook_runner import CHECK_FIRST, VARIANTS

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, 'playbook_runner.py')
PLAYBOOKS = os.path.join(REPO, 'playbooks')
RECAP = re.compile(r'^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.M)


def _playbooks():
    """The seed labs, the demo (playbooks/demo.yml), the Mininet nets (playbooks/mininet_*.yml) and the other
    labs (playbooks/lab_*.yml), which follow the same conventions."""
    names = [name[:-len('.yml')] for name in os.listdir(PLAYBOOKS)
             if (name.startswith(('seed_', 'mininet_', 'lab_')) or name == 'demo.yml') and name.endswith('.yml')]
    return sorted(names + sorted(VARIANTS))


def without_empty_tables(state):
    """The snapshot with every iptables table left out that holds nothing: no rule, no user chain, every
    built-in chain with policy ACCEPT. Such a table is what a table looks like before it is loaded; once a
    lab has used it in the play's namespace (seed 004 and the demo do), iptables-nft leaves it there, empty,
    after the teardown. Anything else in a table (a rule, a chain, a DROP policy) still counts."""
    state = json.loads(json.dumps(state))
    for ns in state.get('namespaces', {}).values():
        for tool, lines in ns.get('iptables', {}).items():
            kept, table = [], []
            for line in lines:
                table.append(line)
                if line == 'COMMIT':
                    body = table[1:-1]
                    if not all(re.match(r'^:(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) ACCEPT$', entry) for entry in body):
                        kept.extend(table)
                    table = []
            ns['iptables'][tool] = kept + table
        if ns.get('nftables'):
            ns['nftables'] = _without_empty_nft_tables(ns['nftables'])
    return state


NFT_EMPTY_LINE = re.compile(r'^(chain \S+ \{|type \w+ hook \w+ priority [\w+-]+; policy accept;|\}|)$')


def _without_empty_nft_tables(listing):
    """`nft list ruleset` without the tables that hold only base chains with policy accept and no rule:
    the same empty iptables-nft tables as above, seen through nft."""
    kept, table = [], []
    for line in listing.splitlines():
        table.append(line)
        if line == '}':
            body = [entry.strip() for entry in table[1:-1]]
            chains = sum(1 for entry in body if entry.startswith('chain '))
            bases = sum(1 for entry in body if entry.startswith('type '))
            if chains != bases or not all(NFT_EMPTY_LINE.match(entry) for entry in body):
                kept.extend(table)
            table = []
    kept.extend(table)
    return '\n'.join(kept) + '\n' if kept else ''


def test_without_empty_tables():
    def snap(lines):
        return {'named': [], 'namespaces': {'': {'links': [], 'iptables': {'iptables-nft-save': lines}}}}
    empty = ['*nat', ':PREROUTING ACCEPT', ':INPUT ACCEPT', ':OUTPUT ACCEPT', ':POSTROUTING ACCEPT', 'COMMIT']
    drop = ['*filter', ':INPUT ACCEPT', ':FORWARD DROP', ':OUTPUT ACCEPT', 'COMMIT']
    chain = ['*filter', ':INPUT ACCEPT', ':FORWARD ACCEPT', ':OUTPUT ACCEPT', ':NV-USER -', 'COMMIT']
    rule = ['*filter', ':INPUT ACCEPT', ':FORWARD ACCEPT', ':OUTPUT ACCEPT', '-A FORWARD -i br0 -j ACCEPT', 'COMMIT']
    assert without_empty_tables(snap(empty)) == snap([])
    assert without_empty_tables(snap(empty + drop)) == snap(drop)
    assert without_empty_tables(snap(chain + empty)) == snap(chain)
    assert without_empty_tables(snap(rule)) == snap(rule)

    def nft(listing):
        return {'named': [], 'namespaces': {'': {'links': [], 'nftables': listing}}}
    empty_nft = ('table ip filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy accept;\n'
                 '\t}\n}\ntable ip nat {\n\tchain PREROUTING {\n\t\ttype nat hook prerouting priority dstnat; '
                 'policy accept;\n\t}\n\n\tchain OUTPUT {\n\t\ttype nat hook output priority -100; policy accept;\n'
                 '\t}\n}\n')
    drop_nft = 'table ip filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy drop;\n\t}\n}\n'
    rule_nft = 'table inet t {\n\tchain c {\n\t\tip saddr 10.0.0.1 accept\n\t}\n}\n'
    assert without_empty_tables(nft(empty_nft)) == nft('')
    assert without_empty_tables(nft(empty_nft + drop_nft)) == nft(drop_nft)
    assert without_empty_tables(nft(rule_nft + empty_nft)) == nft(rule_nft)
    user_nft = 'table inet t {\n\tchain c {\n\t}\n}\n'
    assert without_empty_tables(nft(user_nft)) == nft(user_nft)


def recap(output):
    """The PLAY RECAP lines: {host: {'ok': n, 'changed': n, 'unreachable': n, 'failed': n}}."""
    head, _sep, tail = output.rpartition('PLAY RECAP')
    if not _sep:
        return {}
    return {m.group(1): {'ok': int(m.group(2)), 'changed': int(m.group(3)), 'unreachable': int(m.group(4)),
                         'failed': int(m.group(5))}
            for m in RECAP.finditer(tail)}


def test_recap_parser():
    text = ('TASK [x] ***\nchanged: [localhost]\n\nPLAY RECAP *********\n'
            'localhost                  : ok=13   changed=2    unreachable=0    failed=0    skipped=1    '
            'rescued=0    ignored=0   \n')
    assert recap(text) == {'localhost': {'ok': 13, 'changed': 2, 'unreachable': 0, 'failed': 0}}
    assert recap('no recap here') == {}


TASK = re.compile(r'^(?:TASK|RUNNING HANDLER) \[(.*)\] \**$')
STATUS = re.compile(r'^(changed|ok|skipping|failed|fatal|included): ')


def task_statuses(output):
    """[(task name, status)] of a run, in order: ``changed`` when the task changed anything (an item of a
    loop), else ``ok``, ``skipping``, ``failed`` (failed or fatal) or ``included``, as the default callback
    printed them."""
    out = []
    for line in output.splitlines():
        found = TASK.match(line)
        if found:
            out.append([found.group(1), set()])
            continue
        found = STATUS.match(line)
        if found and out:
            out[-1][1].add('failed' if found.group(1) == 'fatal' else found.group(1))
    order = ('failed', 'changed', 'ok', 'included', 'skipping')
    return [(name, next((s for s in order if s in seen), 'none')) for name, seen in out]


def test_task_statuses_parser():
    text = ('TASK [netvirt.linux.veth_pair : Build] ******\nchanged: [localhost]\n--- before\n+++ after\n\n'
            'TASK [Loop] ***\nok: [localhost] => (item=a)\nchanged: [localhost] => (item=b)\n\n'
            'TASK [Skip] ***\nskipping: [localhost]\n\nTASK [Bad] ***\nfatal: [localhost]: FAILED! => {}\n'
            'RUNNING HANDLER [h] ***\nok: [localhost]\n')
    assert task_statuses(text) == [('netvirt.linux.veth_pair : Build', 'changed'), ('Loop', 'changed'),
                                   ('Skip', 'skipping'), ('Bad', 'failed'), ('h', 'ok')]


def check_mode_predicted(name, check, converge, log):
    """What ``--check`` printed is what the converge run then did: the tasks that changed something, in order,
    are the same in both runs, and no task of the check run failed. (Check mode skips the lab's verify and
    report tasks, which change nothing: only the tasks that change are compared.)"""
    predicted, done = task_statuses(check['output']), task_statuses(converge['output'])
    failed = [task for task, status in predicted if status == 'failed']
    said = [task for task, status in predicted if status == 'changed']
    did = [task for task, status in done if status == 'changed']
    assert not failed and said == did, (
        '%s: check mode did not predict the real run (log %s):\nfailed in check mode: %s\n'
        'changed in check mode only: %s\nchanged in the real run only: %s\ncheck mode: %s\nreal run:   %s'
        % (name, log, failed, [t for t in said if t not in did], [t for t in did if t not in said], said, did))


def test_check_mode_predicted_refuses_a_wrong_prediction():
    real = {'output': 'TASK [a] ***\nchanged: [localhost]\nTASK [b] ***\nchanged: [localhost]\n'}
    check_mode_predicted('lab', {'output': real['output'] + 'TASK [verify] ***\nskipping: [localhost]\n'}, real, 'log')
    for wrong in ('TASK [a] ***\nchanged: [localhost]\nTASK [b] ***\nok: [localhost]\n',
                  'TASK [a] ***\nchanged: [localhost]\nTASK [b] ***\nfatal: [localhost]: FAILED! => {}\n'):
        with pytest.raises(AssertionError):
            check_mode_predicted('lab', {'output': wrong}, real, 'log')


def test_there_are_seed_playbooks():
    assert {'demo', 'seed_000_peers', 'seed_002_veth_bridge', 'seed_003_netfilter_path',
            'seed_004_bridge_docker', 'mininet_nets', 'lab_macvlan'} <= set(_playbooks())


def check_report(name, page):
    """The lab report the converge run wrote: an SVG (Graphviz is installed by tools/bootstrap), a node per
    namespace of the lab, a matrix, no cell whose expectation is not met."""
    assert os.path.isfile(page), '%s: the converge run wrote no lab report at %s' % (name, page)
    with open(page) as f:
        html = f.read()
    assert '<svg' in html, '%s: the report has no picture (is Graphviz installed?): %s' % (name, page)
    namespaces = re.findall(r'<g id="ns_[^"]+" class="node netns"', html)
    assert len(namespaces) >= 2, '%s: the picture shows %d namespaces: %s' % (name, len(namespaces), page)
    assert 'class="matrix"' in html and 'data-row=' in html, '%s: no reachability matrix in %s' % (name, page)
    assert '<td class="unmet"' not in html, '%s: the report shows an unmet expectation: %s' % (name, page)


def _params():
    return [pytest.param(python, name, id='%s-%s' % (python.label, name))
            for python in module_pythons() for name in _playbooks()]


@pytest.mark.parametrize('python,name', _params())
def test_playbook(python, name, tmp_path):
    if python.error:
        pytest.fail(python.error, pytrace=False)
    log = os.path.join(REPO, 'tests', 'output', 'integration', python.label, 'playbooks', '%s.log' % name)
    page = os.path.join(os.path.dirname(log), '%s-report.html' % name)
    if os.path.exists(page):
        os.unlink(page)
    os.makedirs(os.path.dirname(page), exist_ok=True)
    report = run_runner(RUNNER, [name, python.path, page], 'playbook %s (%s)' % (name, python.label), log)

    runs = {step['label']: step for step in report['runs']}
    for step in report['runs']:
        if step['rc'] != 0:
            pytest.fail('%s: run "%s" failed (exit %s; full log %s)\n---- last lines ----\n%s'
                        % (name, step['label'], step['rc'], log, '\n'.join(step['output'].splitlines()[-120:])),
                        pytrace=False)
    assert list(runs) == (['check'] if name in CHECK_FIRST else []) + ['converge', 'again', 'teardown']
    check_report(name, page)
    if name in CHECK_FIRST:
        assert report['after_check'] == report['before'], \
            '%s: check mode changed the network:\nbefore %s\nafter  %s' % (
                name, json.dumps(report['before'], sort_keys=True), json.dumps(report['after_check'], sort_keys=True))
        check_mode_predicted(name, runs['check'], runs['converge'], log)

    if name == 'demo-nftables':
        # the network's rules were nftables tables, not iptables chains
        built = [line for line in runs['converge']['output'].split('TASK [')
                 if line.startswith('netvirt.linux.docker_bridge : Table ip nv-bridges-NAME (nftables)')]
        assert built and 'changed: [localhost]' in built[0], '%s: no nftables table was built (log %s)' % (name, log)
        assert 'create the chain NV-' not in runs['converge']['output']
    first = recap(runs['converge']['output'])
    assert first.get('localhost', {}).get('changed', 0) > 0, '%s: the first run changed nothing: %s' % (name, first)
    second = recap(runs['again']['output'])
    assert second.get('localhost', {}).get('ok', 0) > 0, '%s: no PLAY RECAP in the second run (log %s)' % (name, log)
    assert second['localhost']['changed'] == 0, \
        '%s: the second run changed something (%s); changed tasks:\n%s' % (
            name, second, '\n'.join(line for line in runs['again']['output'].splitlines() if line.startswith('changed:')
                                    or line.startswith('TASK [')))
    third = recap(runs['teardown']['output'])
    assert third.get('localhost', {}).get('changed', 0) > 0, '%s: the teardown changed nothing: %s' % (name, third)

    assert report['before']['named'] == [], report['before']
    assert without_empty_tables(report['after']) == without_empty_tables(report['before']), \
        '%s: the teardown left something behind:\nbefore %s\nafter  %s' % (
            name, json.dumps(report['before'], sort_keys=True), json.dumps(report['after'], sort_keys=True))
