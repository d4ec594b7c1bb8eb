#!/usr/bin/env python
"""Run one lab playbook (playbooks/seed_*.yml, demo.yml, mininet_*.yml) three times inside tools/sandbox
(test_playbooks.py starts it there) and print one JSON report: a snapshot of the network
(snapshot.py: iproute2's view), the play as `netvirt.linux.NAME` (converge, with `-e lab_report=REPORT`: its
verify step writes the lab report there), the play again (must change nothing), the play with
`-e lab_state=absent` (teardown), a second snapshot. The playbooks of CHECK_FIRST are first run with
`--check --diff` on the fresh sandbox (and a snapshot taken after it): what check mode predicts, task by
task, is compared with what the converge run then does.
test_playbooks.py makes the assertions.

usage: tools/sandbox .venv/bin/python playbook_runner.py PLAYBOOK_NAME MODULE_PYTHON REPORT
"""

import json
import os
import sys

from runner_step import ANSIBLE_PLAYBOOK, run_step
from snapshot import snapshot

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = (('converge', []), ('again', []), ('teardown', ['-e', 'lab_state=absent']))
CHECK_FIRST = ('demo', 'demo-nftables')
# more runs of a playbook with other variables: test name -> (playbook, extra variables)
VARIANTS = {'demo-nftables': ('demo', {'demo_firewall_backend': 'nftables'})}


def run(name, python, extra):
    playbook, variables = VARIANTS.get(name, (name, {}))
    variables = dict(variables, ansible_python_interpreter=python)
    argv = [ANSIBLE_PLAYBOOK, '-i', 'localhost,', '-c', 'local',
            '-e', json.dumps(variables)] + extra + ['netvirt.linux.%s' % playbook]
    return run_step(argv)


def main():
    name, python, lab_report = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    report = {'before': snapshot(), 'runs': []}
    runs = RUNS
    if name in CHECK_FIRST:
        step = run(name, python, ['--check', '--diff'])
        step['label'] = 'check'
        report['runs'].append(step)
        report['after_check'] = snapshot()
        if step['rc'] != 0:
            runs = ()
    for label, extra in runs:
        if label == 'converge':
            extra = extra + ['-e', json.dumps({'lab_report': lab_report})]
        step = run(name, python, extra)
        step['label'] = label
        report['runs'].append(step)
        if step['rc'] != 0:
            break
    report['after'] = snapshot()
    json.dump(report, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
