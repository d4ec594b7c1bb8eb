# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A pyroute2 older than 0.7.2 is refused with a message naming the version found, the version needed
and how to get it; the missing-library message says how to install it in a sentence of its own.

The fakes are pyroute2 packages written to a temporary directory and imported by a fresh Python, so
the loader of this test session (and its cached import) is left alone."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import loader

PREFIX = 'ansible_collections.netvirt.linux.plugins.module_utils'

# What the fake prints: the loader's view and the runner's message.
PROBE = '''
import json, sys
from %s._netlink import loader
from %s._runner import runner
print(json.dumps({'has': loader.HAS_PYROUTE2, 'version': loader.PYROUTE2_VERSION, 'too_old': loader.PYROUTE2_TOO_OLD,
                  'msg': runner.pyroute2_problem(),
                  'imported': sorted(m for m in sys.modules if m.split('.')[0] == 'pyroute2')}))
''' % (PREFIX, PREFIX)


def probe(tmp_path, version=None):
    """Run PROBE with a fake pyroute2 of this version first on sys.path (None: no pyroute2 at all)."""
    fake = tmp_path / 'fake'
    fake.mkdir()
    if version is not None:
        pkg = fake / 'pyroute2'
        pkg.mkdir()
        (pkg / '__init__.py').write_text('__version__ = %r\n' % version)
        # Ubuntu 22.04's 0.6.4 on Python 3.11 breaks inside these imports: the loader must not reach them.
        (pkg / 'netns.py').write_text("raise AttributeError(\"'PyRoute2ModuleSpec' object has no attribute "
                                      "'_uninitialized_submodules'\")\n")
    code = 'import sys\nsys.path[:0] = [%r]\n' % str(fake)
    if version is None:
        code += 'sys.modules["pyroute2"] = None\n'    # an import of pyroute2 raises ImportError
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, '-c', code + PROBE], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize('version', ['0.6.4', '0.7.1', '0.5.19'])
def test_too_old_is_refused_naming_found_needed_and_how(tmp_path, version):
    out = probe(tmp_path, version)
    assert out['has'] is False and out['too_old'] is True and out['version'] == version
    assert out['imported'] == ['pyroute2'], 'nothing past pyroute2/__init__ may be imported'
    msg = out['msg']
    assert 'pyroute2 %s on ' % version in msg
    assert 'is too old: netvirt.linux needs pyroute2 0.7.2 or newer.' in msg
    assert 'pip install "pyroute2>=0.7.2"' in msg
    assert 'ansible_python_interpreter' in msg


def test_missing_says_how_to_install_in_a_sentence_of_its_own(tmp_path):
    out = probe(tmp_path, None)
    assert out['has'] is False and out['too_old'] is False and out['version'] is None
    msg = out['msg']
    assert 'Failed to import the required Python library (pyroute2)' in msg
    assert 'ansible_python_interpreter. To install it for that Python: pip install "pyroute2>=0.7.2"' in msg
    assert msg.endswith('.')


@pytest.mark.parametrize('version, old', [
    ('0.7.2', False), ('0.7.12.post1', False), ('0.9.7', False), ('1.0', False),
    ('0.7.1', True), ('0.6.4', True), ('0.7', True),
    ('unknown', False), ('', False), (None, False),     # unreadable: given the benefit of the doubt
])
def test_too_old(version, old):
    assert loader.too_old(version) is old


def test_the_floor_is_what_the_oldest_test_venv_pins():
    root = os.path.join(os.path.dirname(__file__), *(['..'] * 5))
    with open(os.path.join(root, 'tests', 'requirements-pyroute2-0.7.txt')) as f:
        pins = [line.strip() for line in f if line.startswith('pyroute2==')]
    assert pins == ['pyroute2==%s' % loader.PYROUTE2_MIN_VERSION]
