# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Record files: written whole, and a killed writer's temporary file goes with the next write."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys

from ansible_collections.netvirt.linux.plugins.module_utils._host import records
from ansible_collections.netvirt.linux.plugins.module_utils._host import files


def dead_pid():
    """The pid of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, '-c', 'pass'])
    child.wait()
    return child.pid


def test_replace_json_writes_the_whole_file_and_no_temporary(tmp_path):
    path = str(tmp_path / 'r.json')
    files.replace_json(path, {'a': [1, 2]}, sync=True)
    assert json.load(open(path)) == {'a': [1, 2]}
    assert os.listdir(str(tmp_path)) == ['r.json']


def test_a_killed_writers_temporary_goes_and_a_live_ones_stays(tmp_path):
    path = str(tmp_path / 'lab.json')
    dead = '%s.%d.tmp' % (path, dead_pid())
    live = '%s.%d.tmp' % (path, os.getppid())        # the test runner's parent: alive
    other = str(tmp_path / ('other.json.%d.tmp' % dead_pid()))   # another record's: not this write's
    for name in (dead, live, other):
        open(name, 'w').close()
    files.replace_json(path, {'x': 1})
    assert sorted(os.listdir(str(tmp_path))) == sorted(['lab.json', os.path.basename(live), os.path.basename(other)])


def test_removing_an_empty_record_removes_a_killed_writers_temporary(tmp_path):
    """The kill-safety case: a run killed between writing and renaming, then ``absent``."""
    folder = str(tmp_path)
    records.write_topology('lab', {'namespaces': {'a': 1}, 'refs': [], 'routes': []}, folder)
    stale = '%s.%d.tmp' % (records.topology_path('lab', folder), dead_pid())
    open(stale, 'w').close()
    records.write_topology('lab', records._empty(), folder)
    assert os.listdir(folder) == []
