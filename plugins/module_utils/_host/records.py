# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ownership records the collection keeps on the host: what a topology created (its namespaces
with their inodes, the namespaces holding its marked links, the routes it added), one JSON file
per topology under /run/netvirt/topology. /run is a tmpfs: a record goes at reboot together with
the namespaces it describes. Written whole to a temporary file and renamed, so a reader sees the
old record or the new one."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import json
import os

TOPOLOGY_DIR = '/run/netvirt/topology'


def _empty():
    return {'namespaces': {}, 'refs': [], 'routes': []}


def topology_path(name, folder=TOPOLOGY_DIR):
    return os.path.join(folder, name + '.json')


def read_topology(name, folder=TOPOLOGY_DIR):
    """The record of topology ``name``; an empty one when there is none (or it cannot be parsed)."""
    try:
        with open(topology_path(name, folder)) as handle:
            data = json.load(handle)
    except (IOError, OSError) as exc:
        if exc.errno == errno.ENOENT:
            return _empty()
        raise
    except ValueError:
        return _empty()
    for key, value in _empty().items():
        data.setdefault(key, value)
    return data


def write_topology(name, record, folder=TOPOLOGY_DIR):
    """Write the record; an empty one removes the file."""
    path = topology_path(name, folder)
    if not record['namespaces'] and not record['refs'] and not record['routes']:
        try:
            os.unlink(path)
        except OSError:
            pass
        return
    if not os.path.isdir(folder):
        os.makedirs(folder, 0o755)
    tmp = path + '.tmp'
    with open(tmp, 'w') as handle:
        json.dump(record, handle, sort_keys=True)
    os.rename(tmp, path)
