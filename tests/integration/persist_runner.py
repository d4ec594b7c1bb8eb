#!/usr/bin/env python
"""Persistence (the topology option persist) across a simulated reboot, inside tools/sandbox
(test_persist.py starts it there) with one module interpreter; prints one JSON report.

The sandbox's "disk" is a tmpfs mounted on DISK (a folder the test made; the mount exists only in
the sandbox's mount namespace). Each boot is a child in new network, mount and PID namespaces
(`unshare`) that mounts an overlay on /etc and on /usr/local whose upper layers are on the disk,
a fresh tmpfs on /run (with /run/netns, /run/netvirt and /run/systemd/system, which says "systemd
is the init" to the module), a fresh sysfs, and brings lo up. What one boot writes under /etc and
/usr/local is there at the next boot; its network, /run and processes are not: a reboot. Nothing
reaches the machine's own /etc, /usr/local, /run or network. The boots:

1. persist_boot1.yml: check mode and diff, converge with persist: true, files and modes, a second
   run changes nothing; a second owner; an owner whose vxlan needs an interface the next boot will
   not have; the no-systemd error; systemd-analyze verify of a unit;
2. persist_boot2.yml: nothing of the network is left; the replay as the unit's ExecStart says
   (without Ansible), the network is back and reachable, a second replay changes nothing, the
   failing owner's replay exits 1 naming the object, each owner replays only its own state;
   persist: false and state: absent remove the files, the last one the library;
3. persist_boot3.yml: nothing is left under /etc or /usr/local.

usage: tools/sandbox .venv/bin/python persist_runner.py DISK MODULE_PYTHON
       (each boot: persist_runner.py --boot N DISK MODULE_PYTHON, in its own namespaces)
"""

import json
import os
import subprocess
import sys

from runner_step import ANSIBLE_PLAYBOOK, run_step

HERE = os.path.dirname(os.path.abspath(__file__))
BOOTS = ('persist_boot1.yml', 'persist_boot2.yml', 'persist_boot3.yml')
OVERLAYS = ('/etc', '/usr/local')


def mount(*argv):
    subprocess.run(['mount'] + list(argv), check=True)


def mounts():
    """{mount point: fs type} of this mount namespace."""
    out = {}
    with open('/proc/self/mountinfo') as handle:
        for line in handle:
            fields = line.split()
            sep = fields.index('-')
            out[fields[4]] = fields[sep + 1]
    return out


def boot(number, disk, python):
    """One boot, in fresh namespaces (the caller made them): mounts, then the boot's playbook."""
    if os.getpid() != 1:
        raise SystemExit('persist_runner --boot runs as PID 1 of its own namespaces only')
    mount('--make-rprivate', '/')
    for top in OVERLAYS:
        layer = os.path.join(disk, top.strip('/').replace('/', '-'))
        for sub in ('up', 'work'):
            os.makedirs(os.path.join(layer, sub), exist_ok=True)
        mount('-t', 'overlay', 'netvirt-disk', '-o', 'lowerdir=%s,upperdir=%s/up,workdir=%s/work' % (top, layer, layer), top)
    mount('-t', 'tmpfs', '-o', 'mode=0755,size=64m', 'netvirt-run', '/run')
    for folder in ('/run/netns', '/run/netvirt', '/run/systemd/system'):
        os.makedirs(folder)
    mount('-t', 'sysfs', 'netvirt-sysfs', '/sys')
    subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
    seen = mounts()
    assert all(seen.get(top) == 'overlay' for top in OVERLAYS) and seen.get('/run') == 'tmpfs', seen
    argv = [ANSIBLE_PLAYBOOK, '-i', 'localhost,', '-c', 'local', '-e', json.dumps({'ansible_python_interpreter': python}),
            os.path.join(HERE, 'persist', BOOTS[number - 1])]
    step = run_step(argv)
    step['label'] = 'boot %d' % number
    return step


def main():
    if sys.argv[1] == '--boot':
        number, disk, python = int(sys.argv[2]), sys.argv[3], sys.argv[4]
        json.dump(boot(number, disk, python), sys.stdout)
        return
    disk, python = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    mount('--make-rprivate', '/')
    mount('-t', 'tmpfs', '-o', 'mode=0700,size=256m', 'netvirt-disk', disk)
    report = {'runs': []}
    for number in range(1, len(BOOTS) + 1):
        proc = subprocess.run(['unshare', '--net', '--mount', '--pid', '--fork', '--kill-child', '--mount-proc',
                               '--propagation', 'private', '--', sys.executable, os.path.abspath(__file__),
                               '--boot', str(number), disk, python],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
        try:
            step = json.loads(proc.stdout)
        except ValueError:
            step = {'label': 'boot %d' % number, 'argv': ['persist_runner.py', '--boot', str(number)], 'rc': proc.returncode,
                    'output': proc.stdout + proc.stderr}
        report['runs'].append(step)
        if step['rc'] != 0:
            break
    json.dump(report, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
