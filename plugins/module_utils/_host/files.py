# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way the collection writes a record file (the topology ownership records, the nftables
records): whole, to ``<path>.<pid>.tmp``, then renamed over ``path``, so that a reader sees the
old file or the new one, never half of one. A writer killed between the two leaves its temporary
file behind; the next write of that path removes it (its process is gone), so a killed run leaves
nothing in the record folder once the next run is done."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import json
import os
import re


def _alive(pid):
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno != errno.ESRCH
    return True


def remove_stale_temporaries(path):
    """Remove the ``<path>.<pid>.tmp`` files whose writer process is gone; a live writer's file
    (this process's among them) is left to it. Returns the names removed."""
    folder, base = os.path.split(path)
    pattern = re.compile(r'^%s\.(\d+)\.tmp$' % re.escape(base))
    try:
        entries = os.listdir(folder or '.')
    except OSError:
        return []
    removed = []
    for entry in sorted(entries):
        found = pattern.match(entry)
        if not found or int(found.group(1)) == os.getpid() or _alive(int(found.group(1))):
            continue
        try:
            os.unlink(os.path.join(folder, entry))
        except OSError:
            continue
        removed.append(entry)
    return removed


def replace_json(path, data, sync=False):
    """Write ``data`` as JSON to ``path`` atomically (see the module's doc); with ``sync`` the file
    and its folder are flushed to disk before and after the rename."""
    folder = os.path.dirname(path)
    if folder and not os.path.isdir(folder):
        os.makedirs(folder, 0o755)
    remove_stale_temporaries(path)
    tmp = '%s.%d.tmp' % (path, os.getpid())
    with open(tmp, 'w') as handle:
        json.dump(data, handle, sort_keys=True)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())
    os.rename(tmp, path)
    if not sync:
        return
    try:
        dirfd = os.open(folder or '.', os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dirfd)
    except OSError:
        pass
    finally:
        os.close(dirfd)
