# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ownership records the collection keeps on the host: what a topology created (its namespaces
with their inodes, the namespaces holding its marked links, the routes it added), one JSON file
per topology under /run/netvirt/topology. /run is a tmpfs: a record goes at reboot together with
the namespaces it describes. Written whole to a temporary file, flushed (fsync) and renamed, so a
reader (and a run after a SIGKILL) sees the old record or the new one, never half of one; the
temporary file a killed writer left (its process is gone) is removed by the next write of that
record.

``pending``: what a run is about to create (namespace names, [namespace, link] pairs), written
before the first of them exists, so that a run killed half way leaves nothing of the owner
unowned: the next run takes what of it exists as its own (and marks the links the kill left
unmarked), and forgets the rest.

``lists``: the namespaces and [namespace, link] pairs the topology lists (made by it or not), so
that another topology that made one of them hands it over instead of removing it (``absent`` or
``purge`` of that one leaves what this one still lists)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import json
import os

from ansible_collections.netvirt.linux.plugins.module_utils._host.files import remove_stale_temporaries, replace_json

TOPOLOGY_DIR = '/run/netvirt/topology'


def _empty():
    return {'namespaces': {}, 'refs': [], 'routes': [], 'pending': {'namespaces': [], 'links': []},
            'lists': {'namespaces': [], 'links': []}}


def is_empty(record):
    pending = record.get('pending') or {}
    lists = record.get('lists') or {}
    return not (record['namespaces'] or record['refs'] or record['routes']
                or pending.get('namespaces') or pending.get('links') or lists.get('namespaces') or lists.get('links'))


def topology_path(name, folder=TOPOLOGY_DIR):
    return os.path.join(folder, name + '.json')


def other_topologies(name, folder=TOPOLOGY_DIR):
    """{other name: its record} of every topology recorded here but ``name``."""
    try:
        files = sorted(os.listdir(folder))
    except OSError:
        return {}
    out = {}
    for entry in files:
        if entry.endswith('.json') and entry[:-len('.json')] != name:
            out[entry[:-len('.json')]] = read_topology(entry[:-len('.json')], folder)
    return out


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
    if not isinstance(data, dict):
        return _empty()
    for key, value in _empty().items():
        data.setdefault(key, value)
    for part in ('pending', 'lists'):
        for key, value in _empty()[part].items():
            data[part].setdefault(key, value)
    return data


def write_topology(name, record, folder=TOPOLOGY_DIR):
    """Write the record; an empty one removes the file."""
    path = topology_path(name, folder)
    if is_empty(record):
        remove_stale_temporaries(path)
        try:
            os.unlink(path)
        except OSError:
            pass
        return
    replace_json(path, record, sync=True)
