"""Turn one entry of bad_inputs.yml into a playbook that sets up, snapshots, runs the bad task,
snapshots again and asserts: the task failed, its message holds every expected piece (the option
and the object), and the machine's network is exactly as before (nothing half-made)."""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SNAPSHOT = os.path.join(HERE, 'snapshot.py')


def _task(module, args, **extra):
    task = {'netvirt.linux.%s' % module: args}
    task.update(extra)
    return task


def playbook(entry, python):
    tasks = []
    for i, step in enumerate(entry.get('setup', [])):
        tasks.append(dict(_task(step['module'], step.get('args', {})), name='setup %d' % i))
    snap = {'ansible.builtin.command': {'argv': [python, SNAPSHOT]}, 'changed_when': False}
    tasks.append(dict(snap, name='snapshot before', register='before'))
    tasks.append(dict(_task(entry['module'], entry['args']), name='bad input %s' % entry['id'],
                      register='bad', ignore_errors=True,
                      check_mode=bool(entry.get('check_mode', False))))
    tasks.append(dict(snap, name='snapshot after', register='after'))
    checks = ['bad is failed']
    for piece in entry['msg']:
        checks.append('%s in bad.msg' % json.dumps(piece))
    checks.append('(before.stdout | from_json) == (after.stdout | from_json)')
    tasks.append({'name': 'the task failed naming the option and object, and left nothing',
                  'ansible.builtin.assert': {'that': checks, 'fail_msg': 'message was: {{ bad.msg | default("") }}'}})
    return [{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]
