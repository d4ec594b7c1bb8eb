#!/usr/bin/env python
"""Run one entry of bad_inputs.yml inside tools/sandbox (test_bad_inputs.py starts it there):
the entry's `files` (only under /run/netns or /run/netvirt: a stray file a killed run leaves), its
`setup` modules, a snapshot of the network (snapshot.py: iproute2's view), the bad
module (in check mode when the entry says so), a second snapshot. It prints one JSON report;
test_bad_inputs.py makes the assertions (the task failed, its message holds every expected piece,
the two snapshots are equal).

Each module runs as Ansible runs it on the managed host, less the transport (no ansible-playbook,
no AnsiballZ zip): a process of its own, `MODULE_PYTHON -m
ansible_collections.netvirt.linux.plugins.modules.MODULE ARGS_FILE`, ARGS_FILE holding
{"ANSIBLE_MODULE_ARGS": {options..., "_ansible_check_mode": ...}} like the arguments Ansible
sends (the way Ansible's own module tests run modules). The module interpreter finds the collection
through PYTHONPATH and ansible.module_utils through a directory holding only a link to .venv's
`ansible` package, so the pyroute2 it imports is still its own (0.7 in .venv-pyroute2-0.7).
That is several times quicker than one ansible-playbook per entry.

usage: tools/sandbox .venv/bin/python bad_inputs_runner.py ENTRY_JSON_FILE MODULE_PYTHON
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import ansible

from snapshot import snapshot

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
COLLECTIONS = os.environ.get('NETVIRT_COLLECTIONS', os.path.join(REPO, '.build', 'collections'))
MODULE_TIMEOUT = 120


def _result(stdout):
    """The module's JSON result; like Ansible, tolerate lines of noise around it."""
    try:
        return json.loads(stdout)
    except ValueError:
        pass
    for line in stdout.splitlines():
        if line.startswith('{'):
            try:
                return json.loads(line)
            except ValueError:
                pass
    return None


def run_module(python, module, args, check_mode, workdir, env, diff=False):
    """One module run (with diff mode when ``diff``); returns a step of the report."""
    tmpdir = tempfile.mkdtemp(dir=workdir)
    params = dict(args)
    params.update({
        '_ansible_check_mode': check_mode,
        '_ansible_no_log': False,
        '_ansible_debug': False,
        '_ansible_diff': diff,
        '_ansible_verbosity': 0,
        '_ansible_version': ansible.__version__,
        '_ansible_module_name': 'netvirt.linux.%s' % module,
        '_ansible_keep_remote_files': False,
        '_ansible_tmpdir': tmpdir,
        '_ansible_remote_tmp': workdir,
    })
    args_file = os.path.join(tmpdir, 'args.json')
    with open(args_file, 'w') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': params}, handle)
    argv = [python, '-m', 'ansible_collections.netvirt.linux.plugins.modules.%s' % module, args_file]
    step = {'module': module, 'args': args, 'check_mode': check_mode, 'argv': argv}
    try:
        proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=MODULE_TIMEOUT, check=False, cwd=tmpdir)
    except subprocess.TimeoutExpired:
        step.update(rc=None, result=None, stdout='', stderr='timed out after %d s' % MODULE_TIMEOUT)
        return step
    step.update(rc=proc.returncode, result=_result(proc.stdout), stdout=proc.stdout, stderr=proc.stderr)
    return step


# Where an entry's `files` may be written: the sandbox's own tmpfs mounts, never the machine's files.
FILE_DIRS = ('/run/netns/', '/var/run/netns/', '/run/netvirt/', '/var/run/netvirt/')


def make_files(files):
    """An entry's `files` ([{path, content}], content '' for an empty file): what a killed run or a
    killed `ip netns add` leaves behind, made before the setup modules run."""
    for item in files:
        path = item['path']
        if not path.startswith(FILE_DIRS) or '/../' in path:
            raise ValueError('bad_inputs.yml: files may only be written under %s, not %s' % (', '.join(FILE_DIRS), path))
        parent = os.path.dirname(path)
        if not os.path.isdir(parent):
            os.makedirs(parent, 0o755)
        with open(path, 'w') as handle:
            handle.write(item.get('content', ''))


def controller_ansible():
    """The ansible package whose module_utils the modules get: NETVIRT_CONTROLLER's (a venv), else this python's."""
    controller = os.environ.get('NETVIRT_CONTROLLER')
    if controller:
        found = sorted(glob.glob(os.path.join(controller, 'lib', 'python*', 'site-packages', 'ansible')))
        if found:
            return found[-1]
    return os.path.dirname(os.path.abspath(ansible.__file__))


def module_env(workdir):
    """The environment a module interpreter runs in: PYTHONPATH is the collection and a shim folder
    (under ``workdir``) with only `ansible` in it, so the module gets ansible.module_utils and
    nothing else of .venv's site-packages (above all not its pyroute2)."""
    shim = os.path.join(workdir, 'shim')
    os.mkdir(shim)
    os.symlink(controller_ansible(), os.path.join(shim, 'ansible'))
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join([COLLECTIONS, shim])
    env.pop('PYTHONHOME', None)
    return env


def run_entry(entry, python):
    workdir = tempfile.mkdtemp(prefix='netvirt-bad-input-')
    try:
        env = module_env(workdir)
        report = {'steps': [], 'before': None, 'after': None}
        make_files(entry.get('files', []))
        for step in entry.get('setup', []):
            done = run_module(python, step['module'], step.get('args', {}), False, workdir, env)
            done['role'] = 'setup'
            report['steps'].append(done)
            if not done['result'] or done['result'].get('failed'):
                return report
        report['before'] = snapshot()
        bad = run_module(python, entry['module'], entry['args'], bool(entry.get('check_mode', False)), workdir, env)
        bad['role'] = 'bad input'
        report['steps'].append(bad)
        report['after'] = snapshot()
        return report
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    with open(sys.argv[1]) as handle:
        entry = json.load(handle)
    json.dump(run_entry(entry, os.path.abspath(sys.argv[2])), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
