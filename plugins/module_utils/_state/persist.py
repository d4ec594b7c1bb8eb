# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Persistence (the ``persist`` option): the desired state written on the host, and a systemd unit
that applies it again at boot, through the same code (observe -> plan -> apply), without Ansible.

What is written, for the owner ``KIND NAME`` (``topology lab``):

- ``/etc/netvirt/persist/KIND-NAME.json`` (mode 0600, folder 0700): ``{format, kind, name,
  params}``, the module's validated params less ``persist``;
- ``/etc/systemd/system/netvirt-KIND-NAME.service`` (0644): oneshot, RemainAfterExit, no default
  dependencies, after local-fs.target, systemd-modules-load and systemd-sysctl, before (and
  wanting) network-pre.target, so that network managers start after it; nothing waits for
  network-online.target; enabled by its link in ``/etc/systemd/system/multi-user.target.wants/``;
- ``/usr/local/lib/netvirt/``: the replay script ``netvirt-replay`` and a copy of the
  collection's module_utils it imports (none imports Ansible), shared by every owner and removed
  with the last one.

The unit runs ``PYTHON -I -B /usr/local/lib/netvirt/netvirt-replay KIND NAME`` with the Python that
ran the module (the one that has pyroute2); the replay (``_runner.replay``) reads only its own
owner's file.

This file is pure: it decides the files and the actions; reading and writing them goes through
the ``_host.persist`` helpers handed in (``ctx.io.persist``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import json
import re

from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError

FORMAT = 1
STATE_DIR = '/etc/netvirt/persist'
UNIT_DIR = '/etc/systemd/system'
WANTED_BY = 'multi-user.target'
LIB_DIR = '/usr/local/lib/netvirt'
SCRIPT = 'netvirt-replay'
REPLAY_MODULE = 'ansible_collections.netvirt.linux.plugins.module_utils._runner.replay'
OPS = ('persist_write', 'persist_link', 'persist_library', 'persist_remove', 'persist_remove_library',
       'persist_reload')
_SAFE_PATH = re.compile(r'^/[A-Za-z0-9/._+-]+$')

SCRIPT_TEXT = '''\
# netvirt.linux: applies a persisted state at boot (run by the netvirt-KIND-NAME.service units).
# Written by the collection with the option persist; do not edit (it is rewritten).
# Usage: PYTHON -I -B %(lib)s/%(script)s KIND NAME
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ansible_collections.netvirt.linux.plugins.module_utils._runner import replay  # noqa: E402

sys.exit(replay.main(sys.argv[1:]))
''' % {'lib': LIB_DIR, 'script': SCRIPT}


def owner_id(kind, name):
    return '%s-%s' % (kind, name)


def state_path(kind, name):
    return '%s/%s.json' % (STATE_DIR, owner_id(kind, name))


def unit_name(kind, name):
    return 'netvirt-%s.service' % owner_id(kind, name)


def unit_path(kind, name):
    return '%s/%s' % (UNIT_DIR, unit_name(kind, name))


def wants_path(kind, name):
    return '%s/%s.wants/%s' % (UNIT_DIR, WANTED_BY, unit_name(kind, name))


def state_text(kind, name, params):
    """The state file: the module's params (less ``persist``), as JSON that a later run with the
    same params writes byte for byte the same."""
    params = dict((k, v) for k, v in params.items() if k != 'persist')
    return json.dumps({'format': FORMAT, 'kind': kind, 'name': name, 'params': params},
                      sort_keys=True, indent=1, separators=(',', ': ')) + '\n'


# The ordering of a kind's unit: topology before network-pre.target (network managers start after
# it); iptables after it (so after the topology units that make the namespaces its rules live in)
# and before network.target. Nothing waits for network-online.target.
ORDER = {
    'topology': ('After=local-fs.target systemd-modules-load.service systemd-sysctl.service\n'
                 'Before=network-pre.target shutdown.target\n'
                 'Wants=network-pre.target\n'),
    'iptables': ('After=local-fs.target systemd-modules-load.service systemd-sysctl.service network-pre.target\n'
                 'Before=network.target shutdown.target\n'),
}
_UNIT_CHARS = re.compile(r'[^A-Za-z0-9_.-]')


def iptables_name(netns, table, chain, owner):
    """The owner name of an iptables task's persisted state: the namespace (``host`` for the
    module's own), table, chain and owner in letters, digits and ``_.-`` (a unit name's), and a
    digest of the exact four, so that two tasks never share a file."""
    exact = json.dumps([netns, table, chain, owner])
    readable = _UNIT_CHARS.sub('_', '%s.%s.%s' % (netns or 'host', table, chain))
    if owner != '%s/%s' % (table, chain):
        readable += '.' + _UNIT_CHARS.sub('_', owner)
    return '%s.%s' % (readable[:120], hashlib.sha256(exact.encode('utf-8')).hexdigest()[:8])


def unit_text(kind, name, python):
    values = {'kind': kind, 'name': name, 'python': python, 'lib': LIB_DIR, 'script': SCRIPT,
              'state': state_path(kind, name), 'id': owner_id(kind, name), 'wanted_by': WANTED_BY,
              'order': ORDER.get(kind, ORDER['topology'])}
    return '''\
# Written by netvirt.linux for %(kind)s %(name)s (option persist); removed by persist: false or state: absent.
[Unit]
Description=netvirt.linux %(kind)s %(name)s (persisted network state)
Documentation=file:%(state)s
DefaultDependencies=no
%(order)sConflicts=shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=%(python)s -I -B %(lib)s/%(script)s %(kind)s %(name)s
SyslogIdentifier=netvirt-%(id)s

[Install]
WantedBy=%(wanted_by)s
''' % values


def read_state(text, kind, name, path):
    """The params of a state file, checked to be the owner's own (a file of another owner, or of
    another format, is refused naming the file)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NetvirtError('%s: not a netvirt.linux state file (%s)' % (path, exc), obj='%s %s' % (kind, name))
    if not isinstance(data, dict) or data.get('format') != FORMAT or not isinstance(data.get('params'), dict):
        raise NetvirtError('%s: not a netvirt.linux state file of format %d' % (path, FORMAT), obj='%s %s' % (kind, name))
    if (data.get('kind'), data.get('name')) != (kind, name):
        raise NetvirtError('%s holds the state of %s %s, not of %s %s: refused'
                           % (path, data.get('kind'), data.get('name'), kind, name), obj='%s %s' % (kind, name))
    return data['params']


# -- observe ------------------------------------------------------------------------------------------
def observe(host, replay_library, kind, name, want):
    """What the plan needs, read through ``host`` (``_host.persist``): the owner's three files, the
    other owners' state files, the library, whether systemd runs, the Python to run. The library's
    sources (``replay_library()``) are read only when ``want``."""
    files = {}
    for path in (state_path(kind, name), unit_path(kind, name), wants_path(kind, name)):
        files[path] = host.read(path)
    out = {'systemd': host.systemd_running(), 'files': files, 'owners': None, 'library': None,
           'sources': None, 'python': None}
    if want or any(files.values()):
        out['owners'] = [n[:-len('.json')] for n in host.listing(STATE_DIR, '.json')]
        out['library'] = dict((rel, host.read('%s/%s' % (LIB_DIR, rel))) for rel in host.tree(LIB_DIR))
    if want:
        out['sources'] = replay_library()
        out['python'] = host.interpreter()
    return out


# -- plan ---------------------------------------------------------------------------------------------
def _picture(seen):
    if seen is None:
        return {'state': 'absent'}
    if seen['type'] == 'link':
        return {'state': 'link', 'target': seen['target']}
    if seen['type'] == 'file':
        return {'state': 'file', 'mode': '%04o' % seen['mode'], 'content': seen['content']}
    return {'state': 'other', 'mode': '%04o' % seen['mode']}


def _digest(text):
    return hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]


def _library_picture(files):
    """The library in a diff: each file's digest (its type when it is no text file)."""
    out = {}
    for rel, seen in files.items():
        if seen is not None and seen.get('content') is not None:
            out[rel] = _digest(seen['content'])
        else:
            out[rel] = seen['type'] if seen is not None else 'absent'
    return {'files': out}


def library_files(sources):
    """{relative path: (content, mode)} of the library: the module sources and the script."""
    out = dict((rel, (text, 0o644)) for rel, text in sources.items())
    out[SCRIPT] = (SCRIPT_TEXT, 0o644)
    return out


def plan(joined, kind, name, want, text, observed, option='persist'):
    """Add to Plan ``joined`` the actions that make the owner's persistence what ``want`` says
    (True: written, ``text`` the state file; False: removed). Returns what the result reports."""
    obj = '%s %s' % (kind, name)
    files = observed['files']
    state, unit, wants = state_path(kind, name), unit_path(kind, name), wants_path(kind, name)
    reload_unit = False
    if want:
        if not observed['systemd']:
            raise NetvirtError('option %s of %s: this host does not run systemd (no %s), which persistence needs '
                               'to replay the state at boot; set %s: false (or run the task again at boot)'
                               % (option, obj, '/run/systemd/system', option), option, obj)
        python = observed['python']
        if not python or not _SAFE_PATH.match(python):
            raise NetvirtError('option %s of %s: the module\'s Python %r cannot be written in a unit\'s ExecStart '
                               '(an absolute path of letters, digits and /._+- only): set ansible_python_interpreter'
                               % (option, obj, python), option, obj)
        wanted = [(state, text, 0o600, 0o700), (unit, unit_text(kind, name, python), 0o644, 0o755)]
        for path, content, mode, dir_mode in wanted:
            seen = files[path]
            if seen is not None and seen['type'] == 'other':
                raise NetvirtError('option %s of %s: %s is not a file (mode %04o): remove it'
                                   % (option, obj, path, seen['mode']), option, obj)
            if seen is None or seen['type'] != 'file' or seen['content'] != content or seen['mode'] != mode:
                joined.add('persist_write', None, obj, {'path': path, 'content': content, 'mode': mode,
                                                        'dir_mode': dir_mode}, option=option,
                           text='write %s (mode %04o)' % (path, mode))
                joined.record('file %s' % path, _picture(seen),
                              {'state': 'file', 'mode': '%04o' % mode, 'content': content})
                reload_unit = reload_unit or path == unit
        seen = files[wants]
        if seen is None or seen != {'type': 'link', 'target': unit}:
            if seen is not None and seen['type'] == 'other':
                raise NetvirtError('option %s of %s: %s is not a link: remove it' % (option, obj, wants), option, obj)
            joined.add('persist_link', None, obj, {'path': wants, 'target': unit}, option=option,
                       text='enable %s (link %s)' % (unit_name(kind, name), wants))
            joined.record('link %s' % wants, _picture(seen), {'state': 'link', 'target': unit})
            reload_unit = True
        lib = library_files(observed['sources'])
        have = observed['library']
        write = dict((rel, cm) for rel, cm in lib.items()
                     if have.get(rel) is None or have[rel].get('content') != cm[0] or have[rel].get('mode') != cm[1])
        # __pycache__: what a Python run by hand leaves (the unit runs with -B); not ours to keep in step
        stale = sorted(rel for rel in set(have) - set(lib) if '__pycache__' not in rel.split('/'))
        if write or stale:
            joined.add('persist_library', None, obj, {'folder': LIB_DIR, 'files': write, 'stale': stale},
                       option=option, text='install the replay library in %s (%d files written, %d removed)'
                       % (LIB_DIR, len(write), len(stale)))
            joined.record('library %s' % LIB_DIR, _library_picture(have),
                          {'files': dict((rel, _digest(cm[0])) for rel, cm in lib.items())})
    else:
        for path in (wants, unit, state):
            seen = files[path]
            if seen is None:
                continue
            joined.add('persist_remove', None, obj, {'path': path}, option=option, text='remove %s' % path)
            joined.record('%s %s' % ('link' if seen['type'] == 'link' else 'file', path), _picture(seen),
                          {'state': 'absent'})
            reload_unit = reload_unit or path != state
        others = [o for o in (observed['owners'] or []) if o != owner_id(kind, name)]
        if observed['library'] and not others:
            joined.add('persist_remove_library', None, obj, {'folder': LIB_DIR, 'files': sorted(observed['library'])},
                       option=option, text='remove the replay library %s (no other owner persists a state)' % LIB_DIR)
            joined.record('library %s' % LIB_DIR, _library_picture(observed['library']), {'state': 'absent'})
    if reload_unit and observed['systemd']:
        joined.add('persist_reload', None, obj, {}, option=option, text='systemctl daemon-reload')
    if not want:
        return None
    return {'state_file': state, 'unit': unit_name(kind, name), 'library': LIB_DIR}


# -- apply --------------------------------------------------------------------------------------------
def apply(actions, host, run_command, warn):
    """Do the persist_* actions in order through ``host`` (``_host.persist``); ``run_command`` runs
    ``systemctl daemon-reload`` (a failure is a warning: the unit is enabled and runs at the next
    boot all the same)."""
    for action in actions:
        params = action.params
        if action.op == 'persist_write':
            host.write(params['path'], params['content'], params['mode'], params['dir_mode'])
        elif action.op == 'persist_link':
            host.link(params['path'], params['target'])
        elif action.op == 'persist_library':
            for rel in params['stale']:
                host.remove('%s/%s' % (params['folder'], rel), prune_up_to=params['folder'])
            for rel in sorted(params['files']):
                content, mode = params['files'][rel]
                host.write('%s/%s' % (params['folder'], rel), content, mode)
        elif action.op == 'persist_remove':
            # the state file's folders (/etc/netvirt/persist, /etc/netvirt) go when left empty
            host.remove(params['path'], prune_up_to='/etc' if params['path'].startswith(STATE_DIR + '/') else None)
        elif action.op == 'persist_remove_library':
            for rel in params['files']:
                host.remove('%s/%s' % (params['folder'], rel), prune_up_to=params['folder'])
            host.remove_dir(params['folder'])
        elif action.op == 'persist_reload':
            if run_command is None:
                warn('systemctl daemon-reload was not run (no command runner); the unit runs at the next boot')
                continue
            rc, out, err = run_command(['systemctl', 'daemon-reload'])
            if rc != 0:
                warn('systemctl daemon-reload failed (rc %s: %s); the unit is enabled and runs at the next boot, '
                     'systemctl status shows it after a daemon-reload' % (rc, (err or out or '').strip()))
