# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The house rule in code: every import points down a floor (docs/architecture.md).

Floors of plugins/module_utils, bottom to top:

0. ``_vocab``      the shared vocabulary: imports nothing of the collection;
1. ``_netlink``, ``_iptables``, ``_nftables``, ``_probe``, ``_host``: kernel and host I/O (and the pure models
   beside it): import ``_vocab`` and their own folder only, never each other;
2. ``_state``      the planners: ``_vocab``, ``_state``, and of floor 1 only files that touch no
   kernel (found, not listed: a file is I/O when it imports one of IO_STDLIB, pyroute2, or an I/O
   file of the collection);
3. ``_runner``     the wiring: anything below.

plugins/modules import ``_runner`` and ``_state`` only; other plugin types (filters, ...) run on the
controller and import ``_vocab`` and pure files only. pyroute2 is imported in one file.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import os
import shutil

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
PREFIX = 'ansible_collections.netvirt.linux.plugins.'
PYROUTE2_FILE = 'module_utils/_netlink/loader.py'
IO_STDLIB = frozenset(['socket', 'subprocess', 'ctypes', 'fcntl', 'select', 'selectors', 'signal', 'resource', 'pyroute2'])

FLOORS = {'_vocab': 0, '_netlink': 1, '_iptables': 1, '_probe': 1, '_host': 1, '_nftables': 1, '_state': 2, '_runner': 3}


def imports_of(path):
    """Every module a file imports (anywhere in it, functions included), as dotted names."""
    with open(path) as handle:
        tree = ast.parse(handle.read(), path)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                raise AssertionError('%s: relative import (use the full ansible_collections path)' % path)
            base = node.module or ''
            out.append(base)
            # "from pkg import name": name may be a module of pkg
            out.extend('%s.%s' % (base, alias.name) for alias in node.names)
    return out


def collection_files(root):
    """{relative path under plugins/: [imported collection files (relative paths)] + stdlib names}."""
    plugins = os.path.join(root, 'plugins')
    found = {}
    for folder, _dirs, files in os.walk(plugins):
        for name in files:
            if name.endswith('.py'):
                path = os.path.join(folder, name)
                found[os.path.relpath(path, plugins)] = path
    graph = {}
    for rel, path in found.items():
        targets = []
        for mod in imports_of(path):
            if mod.startswith(PREFIX):
                tail = mod[len(PREFIX):].replace('.', '/')
                for candidate in (tail + '.py', tail + '/__init__.py'):
                    if candidate in found:
                        targets.append(candidate)
                        break
            else:
                targets.append(mod.split('.')[0])
        graph[rel] = sorted(set(targets))
    return graph


def folder(rel):
    parts = rel.split('/')
    if parts[0] == 'module_utils' and len(parts) > 2:
        return parts[1]
    return parts[0]


def io_files(graph):
    """Files that touch the kernel or the host: import IO_STDLIB or an I/O file (transitively)."""
    io = set()
    changed = True
    while changed:
        changed = False
        for rel, targets in graph.items():
            if rel not in io and any(t in IO_STDLIB or t in io for t in targets):
                io.add(rel)
                changed = True
    return io


def violations(root):
    graph = collection_files(root)
    io = io_files(graph)
    out = []
    for rel, targets in sorted(graph.items()):
        if 'pyroute2' in targets and rel != PYROUTE2_FILE:
            out.append('%s imports pyroute2 (only %s may)' % (rel, PYROUTE2_FILE))
        mine = folder(rel)
        for target in targets:
            if '/' not in target and not target.endswith('.py'):
                continue    # not a file of the collection
            theirs = folder(target)
            why = None
            if mine in FLOORS:
                if theirs not in FLOORS:
                    why = 'module_utils imports %s' % theirs
                elif theirs == mine:
                    continue
                elif FLOORS[theirs] >= FLOORS[mine]:
                    why = 'up or sideways (floor %d -> floor %d)' % (FLOORS[mine], FLOORS[theirs])
                elif mine == '_state' and target in io:
                    why = 'a planner imports a file that touches the kernel'
            elif mine == 'modules':
                if theirs not in ('_runner', '_state'):
                    why = 'a module imports %s (only _runner and _state)' % theirs
            elif theirs in FLOORS and (theirs not in ('_vocab',) and target in io):
                why = 'a controller-side plugin imports a file that touches the kernel'
            if why:
                out.append('%s -> %s: %s' % (rel, target, why))
    return out


def test_every_import_points_down():
    assert violations(ROOT) == []


def test_the_floors_are_what_the_tree_has():
    """Every folder of module_utils is on a floor: a new one must be placed."""
    here = os.path.join(ROOT, 'plugins', 'module_utils')
    folders = sorted(d for d in os.listdir(here) if os.path.isdir(os.path.join(here, d)) and d != '__pycache__')
    assert folders == sorted(FLOORS)


def test_the_planners_touch_no_kernel_and_the_io_floor_does():
    graph = collection_files(ROOT)
    io = io_files(graph)
    assert 'module_utils/_netlink/session.py' in io
    assert 'module_utils/_iptables/command.py' in io
    assert 'module_utils/_probe/engine.py' in io
    # canon does its I/O through the runner it is given (command.Runner), as a planner through its session
    assert 'module_utils/_iptables/canon.py' not in io
    assert not [f for f in graph if folder(f) in ('_vocab', '_state') and f in io]


@pytest.fixture
def tree(tmp_path):
    """A copy of plugins/ to plant bad imports in."""
    shutil.copytree(os.path.join(ROOT, 'plugins'), str(tmp_path / 'plugins'),
                    ignore=shutil.ignore_patterns('__pycache__'))
    return tmp_path


def plant(tree, rel, line):
    path = tree / 'plugins' / rel
    path.write_text(path.read_text() + '\n' + line + '\n')


@pytest.mark.parametrize('rel, line, expect', [
    ('module_utils/_vocab/plan.py',
     'from ansible_collections.netvirt.linux.plugins.module_utils._runner import runner',
     'module_utils/_vocab/plan.py -> module_utils/_runner/runner.py: up or sideways (floor 0 -> floor 3)'),
    ('module_utils/_netlink/apply.py',
     'from ansible_collections.netvirt.linux.plugins.module_utils._state.errors import X',
     None),   # no such file: not counted (ansible would fail to find it)
    ('module_utils/_netlink/apply.py',
     'from ansible_collections.netvirt.linux.plugins.module_utils._state import common',
     'module_utils/_netlink/apply.py -> module_utils/_state/common.py: up or sideways (floor 1 -> floor 2)'),
    ('module_utils/_iptables/command.py',
     'from ansible_collections.netvirt.linux.plugins.module_utils._netlink import session',
     'module_utils/_iptables/command.py -> module_utils/_netlink/session.py: up or sideways (floor 1 -> floor 1)'),
    ('module_utils/_state/iptables.py',
     'from ansible_collections.netvirt.linux.plugins.module_utils._iptables import command',
     'module_utils/_state/iptables.py -> module_utils/_iptables/command.py: a planner imports a file that touches '
     'the kernel'),
    ('module_utils/_state/veth.py',
     '    import pyroute2',
     'module_utils/_state/veth.py imports pyroute2 (only module_utils/_netlink/loader.py may)'),
    ('modules/veth.py',
     'from ansible_collections.netvirt.linux.plugins.module_utils._netlink import session',
     'modules/veth.py -> module_utils/_netlink/session.py: a module imports _netlink (only _runner and _state)'),
])
def test_a_planted_import_is_caught(tree, rel, line, expect):
    if line.startswith('    '):
        line = 'def _planted():\n' + line
    plant(tree, rel, line)
    found = violations(str(tree))
    if expect is None:
        assert found == []
    else:
        assert expect in found
