"""Without pyroute2 on the managed host every module that needs it fails with Ansible's standard
missing-library message, saying how to install it; with a pyroute2 older than 0.7.2 (Ubuntu 22.04's
0.6.4, from PyPI in .venv-pyroute2-0.6) it fails naming the version found, the version needed and
how to get it; a module that does not need it (iptables runs the iptables tools) works either way."""

import json
import os
import subprocess
import sys

import pytest

from harness import REPO, run_playbook, tail

MODULES = sorted(f[:-3] for f in os.listdir(os.path.join(REPO, 'plugins', 'modules'))
                 if f.endswith('.py') and not f.startswith('_'))


# Options that pass each module's argument spec, so that the library check is what fails.
MINIMAL_ARGS = {
    'bond': {'name': 'bond0', 'mode': 'active-backup'},
    'bridge': {'name': 'br0'},
    'dummy': {'name': 'dummy0'},
    'interface': {'name': 'lo'},
    'macvlan': {'name': 'mv0', 'link': 'eth1'},
    'measure': {'pairs': [{'from': 'a', 'to': '10.0.0.2'}]},
    'netem': {'interface': 'v0', 'rate': '10mbit'},
    'nftables': {'tables': [{'name': 'nv_probe', 'family': 'inet'}]},
    'iptables': {'chain': 'INPUT', 'rules': [{'protocol': 'tcp', 'destination_port': '22', 'jump': 'ACCEPT'}]},
    'net_info': {},
    'netns': {'name': 'ns0'},
    'reachability': {'matrix': ['ns1', 'ns2']},
    'route': {'dst': '10.9.0.0/16', 'dev': 'lo'},
    'sysctl': {'name': 'net.ipv4.ip_forward', 'value': '1'},
    'topology': {'name': 'lab'},
    'tuntap': {'name': 'tap0', 'mode': 'tap'},
    'veth': {'name': 'v0', 'peer': {'name': 'v1'}},
    'vlan': {'name': 'eth1.100', 'link': 'eth1', 'id': 100},
    'vxlan': {'name': 'vx0', 'vni': 42},
}

# Modules that need no pyroute2: without it they must work (run in check mode here).
WITHOUT_PYROUTE2 = {'iptables', 'nftables'}


def test_every_module_has_minimal_args():
    assert sorted(MINIMAL_ARGS) == MODULES


@pytest.fixture(scope='module')
def bare_python(tmp_path_factory):
    """A Python with nothing but the standard library (no pyroute2)."""
    path = tmp_path_factory.mktemp('bare') / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(path)], check=True)
    python = str(path / 'bin' / 'python')
    probe = subprocess.run([python, '-c', 'import pyroute2'], stderr=subprocess.DEVNULL, check=False)
    assert probe.returncode != 0, 'the bare venv must not see pyroute2'
    return python


def test_every_module_names_the_missing_library(bare_python, tmp_path):
    tasks = []
    for module in MODULES:
        tasks.append({'name': module, 'netvirt.linux.%s' % module: MINIMAL_ARGS.get(module, {}),
                      'register': 'r_%s' % module,
                      'check_mode': module in WITHOUT_PYROUTE2,
                      'ignore_errors': True})
        if module in WITHOUT_PYROUTE2:
            tasks.append({'ansible.builtin.assert': {'that': ['r_%s is not failed' % module,
                                                              'r_%s is changed' % module]}})
            continue
        tasks.append({'ansible.builtin.assert': {'that': [
            'r_%s is failed' % module,
            "'pyroute2' in r_%s.msg" % module,
            "'Failed to import the required Python library' in r_%s.msg" % module,
            "'interpreter. To install it for that Python: pip install \"pyroute2>=0.7.2\"' in r_%s.msg" % module,
        ]}})
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]
    path = tmp_path / 'missing.yml'
    path.write_text(json.dumps(play))
    rc, out = run_playbook(str(path), extra_env={'NETVIRT_TEST_PYTHON': bare_python})
    assert rc == 0, tail(out)


OLD_PYTHON = os.path.join(REPO, '.venv-pyroute2-0.6', 'bin', 'python')


def test_every_module_refuses_a_pyroute2_older_than_0_7_2(tmp_path):
    """pyroute2 0.6.4 imports on Python 3.9 and then reads every veth peer as null, and breaks inside
    its own import on 3.11: it is refused before use, naming the version found and the one needed."""
    assert os.path.exists(OLD_PYTHON), 'tools/bootstrap makes .venv-pyroute2-0.6 (tests/requirements-pyroute2-0.6.txt)'
    version = subprocess.run([OLD_PYTHON, '-c', 'import pyroute2; print(pyroute2.__version__)'], check=True,
                             stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()
    assert version == '0.6.4'
    tasks = []
    for module in MODULES:
        tasks.append({'name': module, 'netvirt.linux.%s' % module: MINIMAL_ARGS.get(module, {}),
                      'register': 'r_%s' % module,
                      'check_mode': module in WITHOUT_PYROUTE2,
                      'ignore_errors': True})
        if module in WITHOUT_PYROUTE2:
            tasks.append({'ansible.builtin.assert': {'that': ['r_%s is not failed' % module,
                                                              'r_%s is changed' % module]}})
            continue
        tasks.append({'ansible.builtin.assert': {'that': [
            'r_%s is failed' % module,
            "r_%s.msg.startswith('pyroute2 0.6.4 on ')" % module,
            "'is too old: netvirt.linux needs pyroute2 0.7.2 or newer.' in r_%s.msg" % module,
            "'pip install \"pyroute2>=0.7.2\"' in r_%s.msg" % module,
        ], 'fail_msg': '{{ r_%s.msg }}' % module}})
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]
    path = tmp_path / 'old.yml'
    path.write_text(json.dumps(play))
    rc, out = run_playbook(str(path), extra_env={'NETVIRT_TEST_PYTHON': OLD_PYTHON})
    assert rc == 0, tail(out)
