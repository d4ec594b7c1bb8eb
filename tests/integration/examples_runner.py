#!/usr/bin/env python
"""Run the playbooks of one module's examples inside tools/sandbox (test_examples.py starts it there),
one after the other, stopping at the first that fails, and print one JSON report
{"runs": [{"label", "argv", "rc", "output"}, ...]}. test_examples.py makes the assertions.

usage: tools/sandbox .venv/bin/python examples_runner.py MODULE_PYTHON INVENTORY LABEL=PLAYBOOK...

The test runs as root in the sandbox: `ansible_become=false` keeps a README's `become: true` from
asking for sudo (not installed everywhere, and pointless as root).
"""

import json
import os
import sys

from runner_step import ANSIBLE_PLAYBOOK, run_step

HERE = os.path.dirname(os.path.abspath(__file__))


def run(python, inventory, playbook):
    extra = {'ansible_python_interpreter': python, 'ansible_become': False, 'examples_helpers': HERE}
    argv = [ANSIBLE_PLAYBOOK, '-i', inventory, '-c', 'local', '-e', json.dumps(extra), playbook]
    return run_step(argv)


def main():
    python, inventory = os.path.abspath(sys.argv[1]), sys.argv[2]
    report = {'runs': []}
    for spec in sys.argv[3:]:
        label, _sep, playbook = spec.partition('=')
        step = run(python, inventory, playbook)
        step['label'] = label
        report['runs'].append(step)
        if step['rc'] != 0:
            break
    json.dump(report, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
