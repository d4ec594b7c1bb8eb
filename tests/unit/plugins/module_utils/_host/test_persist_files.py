# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""_host.persist: the files of persistence on a real (temporary) folder, and the replay library
gathered from this checkout's sources."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import os
import stat

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._host import persist

REPLAY = 'ansible_collections.netvirt.linux.plugins.module_utils._runner.replay'
MU = 'ansible_collections/netvirt/linux/plugins/module_utils/'


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_write_creates_folders_and_the_file_with_its_mode_whatever_the_umask(tmp_path):
    path = str(tmp_path / 'etc' / 'netvirt' / 'persist' / 'topology-lab.json')
    old = os.umask(0o077)
    try:
        persist.write(path, u'{"a": "\u00e9"}\n', 0o644, dir_mode=0o700)
    finally:
        os.umask(old)
    assert mode(path) == 0o644
    assert mode(os.path.dirname(path)) == 0o700
    assert mode(os.path.dirname(os.path.dirname(path))) == 0o755
    assert persist.read(path) == {'type': 'file', 'mode': 0o644, 'content': u'{"a": "\u00e9"}\n'}
    assert os.listdir(os.path.dirname(path)) == ['topology-lab.json']     # no temporary file left


def test_write_replaces_atomically_and_a_private_file_is_never_readable_by_others(tmp_path, monkeypatch):
    path = str(tmp_path / 'state.json')
    persist.write(path, 'old\n', 0o644)
    seen = []
    real_rename = os.rename

    def rename(src, dst):
        seen.append((mode(src), open(src).read(), open(dst).read()))
        return real_rename(src, dst)
    monkeypatch.setattr(os, 'rename', rename)
    persist.write(path, 'new\n', 0o600)
    assert seen == [(0o600, 'new\n', 'old\n')]      # the new file is whole and private before it takes the name
    assert persist.read(path)['content'] == 'new\n' and mode(path) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = str(tmp_path / 'state.json')
    persist.write(path, 'old\n', 0o600)

    def refuse(src, dst):
        raise OSError(28, 'No space left on device')
    monkeypatch.setattr(os, 'rename', refuse)
    with pytest.raises(OSError):
        persist.write(path, 'new\n', 0o600)
    assert open(path).read() == 'old\n'
    assert os.listdir(str(tmp_path)) == ['state.json']


def test_link_read_listing_tree_remove_and_prune(tmp_path):
    root = str(tmp_path)
    unit = os.path.join(root, 'system', 'netvirt-topology-lab.service')
    wants = os.path.join(root, 'system', 'multi-user.target.wants', 'netvirt-topology-lab.service')
    persist.write(unit, '[Unit]\n', 0o644)
    persist.link(wants, unit)
    persist.link(wants, unit)       # replacing is fine
    assert persist.read(wants) == {'type': 'link', 'target': unit}
    assert persist.read(os.path.join(root, 'system')) == {'type': 'other', 'mode': 0o755}
    assert persist.read(os.path.join(root, 'missing')) is None
    assert persist.read(os.path.join(unit, 'below-a-file')) is None
    persist.write(os.path.join(root, 'persist', 'a.json'), '{}', 0o600)
    persist.write(os.path.join(root, 'persist', 'b.txt'), '', 0o600)
    os.mkdir(os.path.join(root, 'persist', 'c.json'))
    assert persist.listing(os.path.join(root, 'persist'), '.json') == ['a.json']
    assert persist.listing(os.path.join(root, 'nowhere'), '.json') == []
    assert persist.tree(os.path.join(root, 'system')) == ['multi-user.target.wants/netvirt-topology-lab.service',
                                                          'netvirt-topology-lab.service']
    assert persist.tree(os.path.join(root, 'nowhere')) == []
    persist.remove(os.path.join(root, 'persist', 'a.json'), prune_up_to=root)
    assert os.path.isdir(os.path.join(root, 'persist'))        # not empty: kept
    deep = os.path.join(root, 'lib', 'x', 'y', 'z.py')
    persist.write(deep, '', 0o644)
    persist.remove(deep, prune_up_to=os.path.join(root, 'lib'))
    assert os.listdir(os.path.join(root, 'lib')) == []           # emptied folders below lib went, lib stays
    persist.remove(deep)                                           # nothing there: fine
    persist.remove_dir(os.path.join(root, 'lib'))
    persist.remove_dir(os.path.join(root, 'lib'))
    persist.remove_dir(os.path.join(root, 'system'))               # not empty: left
    assert not os.path.exists(os.path.join(root, 'lib')) and os.path.isdir(os.path.join(root, 'system'))


def test_systemd_running_is_the_folder(tmp_path):
    assert not persist.systemd_running(str(tmp_path / 'system'))
    (tmp_path / 'system').mkdir()
    assert persist.systemd_running(str(tmp_path / 'system'))


def test_the_library_is_the_replay_and_everything_it_imports_and_no_ansible():
    lib = persist.library(REPLAY)
    assert MU + '_runner/replay.py' in lib
    assert MU + '_runner/hostio.py' in lib
    assert MU + '_state/topology.py' in lib and MU + '_netlink/fastapply.py' in lib     # a lazy import counts
    assert MU + '_runner/runner.py' not in lib                                          # it imports Ansible
    for pkg in ('ansible_collections', 'ansible_collections/netvirt', 'ansible_collections/netvirt/linux',
                'ansible_collections/netvirt/linux/plugins', MU + '_runner', MU + '_state'):
        assert pkg.rstrip('/') + '/__init__.py' in lib
    here = os.path.dirname(os.path.abspath(persist.__file__))
    with open(os.path.join(here, 'persist.py')) as handle:
        assert lib[MU + '_host/persist.py'] == handle.read()
    for rel, text in lib.items():
        for node in ast.walk(ast.parse(text, rel)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ''] if isinstance(node, ast.ImportFrom) else []
            assert not [n for n in names if n == 'ansible' or n.startswith('ansible.')], rel


def test_the_library_runs_without_ansible(tmp_path):
    """The copy, alone on a Python whose 'ansible' cannot be imported, imports the replay."""
    import subprocess
    import sys
    for rel, text in persist.library(REPLAY).items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    code = ('import sys\n'
            'class Block(object):\n'
            '    def find_spec(self, name, path=None, target=None):\n'
            '        if name == "ansible" or name.startswith("ansible."):\n'
            '            raise ImportError("no ansible here: " + name)\n'
            '    find_module = None\n'
            'sys.meta_path.insert(0, Block())\n'
            'sys.path.insert(0, sys.argv[1])\n'
            'from ansible_collections.netvirt.linux.plugins.module_utils._runner import replay\n'
            'assert replay.__file__.startswith(sys.argv[1]), replay.__file__\n'
            'print(sorted(n for n in sys.modules if n.startswith("ansible.")))\n')
    proc = subprocess.run([sys.executable, '-I', '-B', '-c', code, str(tmp_path)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == '[]'
