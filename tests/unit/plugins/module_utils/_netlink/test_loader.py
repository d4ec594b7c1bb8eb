# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""pyroute2 is imported when a module first needs it, not with the module wrapper."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import subprocess
import sys

import pytest

PREFIX = 'ansible_collections.netvirt.linux.plugins.module_utils'


def imported_after(statement):
    code = 'import sys\n%s\nprint(" ".join(sorted(m for m in sys.modules if m.split(".")[0] == "pyroute2")))' \
        % statement
    proc = subprocess.run([sys.executable, '-c', code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=dict(os.environ), check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_the_wrapper_and_the_iptables_kind_do_not_import_pyroute2():
    assert imported_after('import %s._runner.runner, %s._state.iptables' % (PREFIX, PREFIX)) == []


def test_first_use_imports_it():
    pytest.importorskip('pyroute2')
    names = imported_after('from %s._netlink import loader\nassert loader.HAS_PYROUTE2\nassert loader.IPRoute' % PREFIX)
    assert 'pyroute2' in names


def test_unknown_name_is_an_attribute_error():
    from ansible_collections.netvirt.linux.plugins.module_utils._netlink import loader
    with pytest.raises(AttributeError):
        getattr(loader, 'NoSuchThing')
