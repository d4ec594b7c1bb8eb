# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files of persistence on the host (the ``persist`` option): read what is there, write a file
atomically (a temporary file in the same folder, fsync, rename, fsync of the folder), make a
symbolic link the same way, remove; and the sources of the collection's own module_utils that the
boot-time replay needs, read from wherever this process imported them (the AnsiballZ payload, or a
checkout).

Which files, with which content, is decided by the planner (``_state.persist``); this file only
does what an action says. It imports nothing of the collection.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import errno
import importlib
import importlib.util
import os
import stat
import sys

SYSTEMD_RUNNING = '/run/systemd/system'
PACKAGE = 'ansible_collections.netvirt.linux.plugins.module_utils'


def systemd_running(marker=SYSTEMD_RUNNING):
    """True when systemd is the init system (sd_booted(3): /run/systemd/system is a folder)."""
    return os.path.isdir(marker)


def interpreter():
    """The Python running this module: the one with pyroute2, which the unit will run."""
    return sys.executable


def read(path):
    """What is at ``path``: None (nothing), {'type': 'link', 'target'}, {'type': 'file', 'mode',
    'content'} (text), or {'type': 'other', 'mode'} (a folder, a device...)."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return None
        raise
    if stat.S_ISLNK(info.st_mode):
        return {'type': 'link', 'target': os.readlink(path)}
    if not stat.S_ISREG(info.st_mode):
        return {'type': 'other', 'mode': stat.S_IMODE(info.st_mode)}
    with open(path, 'rb') as handle:
        data = handle.read()
    try:
        content = data.decode('utf-8')
    except UnicodeDecodeError:
        content = None
    return {'type': 'file', 'mode': stat.S_IMODE(info.st_mode), 'content': content}


def listing(folder, suffix):
    """Names of the files (not links, not folders) directly in ``folder`` that end in ``suffix``."""
    try:
        names = os.listdir(folder)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return []
        raise
    return sorted(n for n in names if n.endswith(suffix) and os.path.isfile(os.path.join(folder, n))
                  and not os.path.islink(os.path.join(folder, n)))


def tree(folder):
    """Every file or link under ``folder`` as paths relative to it (sorted); [] when it is missing."""
    out = []
    for top, dirs, files in os.walk(folder):
        dirs.sort()
        for name in files:
            out.append(os.path.relpath(os.path.join(top, name), folder))
        for name in dirs:
            if os.path.islink(os.path.join(top, name)):
                out.append(os.path.relpath(os.path.join(top, name), folder))
    return sorted(out)


def _fsync_dir(folder):
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dirs(folder, mode):
    """Create ``folder`` and its missing parents with ``mode`` (existing ones are left alone)."""
    if os.path.isdir(folder):
        return
    parent = os.path.dirname(folder)
    if parent and parent != folder:
        make_dirs(parent, 0o755)
    try:
        os.mkdir(folder, mode)
    except OSError as exc:
        if exc.errno != errno.EEXIST:
            raise
    os.chmod(folder, mode)


def write(path, content, mode, dir_mode=0o755):
    """Write ``content`` (text) to ``path`` with ``mode``, atomically: a reader (or a boot after a
    crash) sees the old file or the new one, never a part. The temporary file is created with
    ``mode`` already (never readable by others in between)."""
    folder = os.path.dirname(path)
    make_dirs(folder, dir_mode)
    tmp = os.path.join(folder, '.%s.netvirt-tmp' % os.path.basename(path))
    _remove_quietly(tmp)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, 'wb') as handle:
            fd = None
            handle.write(content.encode('utf-8'))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)     # the umask may have taken bits away
        os.rename(tmp, path)
    except BaseException:
        if fd is not None:
            os.close(fd)
        _remove_quietly(tmp)
        raise
    _fsync_dir(folder)


def link(path, target, dir_mode=0o755):
    """Make ``path`` a symbolic link to ``target`` (replacing what is there), atomically."""
    folder = os.path.dirname(path)
    make_dirs(folder, dir_mode)
    tmp = os.path.join(folder, '.%s.netvirt-tmp' % os.path.basename(path))
    _remove_quietly(tmp)
    os.symlink(target, tmp)
    try:
        os.rename(tmp, path)
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_dir(folder)


def _remove_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def remove(path, prune_up_to=None):
    """Remove the file or link at ``path`` (nothing there is fine); then the folders above it that
    are left empty, up to (not including) ``prune_up_to``."""
    try:
        os.unlink(path)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise
    if prune_up_to is None:
        return
    folder = os.path.dirname(path)
    stop = os.path.normpath(prune_up_to)
    while folder.startswith(stop + os.sep):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = os.path.dirname(folder)


# -- the sources the replay needs -------------------------------------------------------------------
def _source(name):
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return None, False
    is_package = spec.submodule_search_locations is not None
    text = spec.loader.get_source(name)
    return (text if text is not None else ''), is_package


def _imports(text, name):
    """The collection's modules a source imports (anywhere in it: lazy imports count), as dotted
    names; for ``from pkg import x`` both pkg and pkg.x (x may be a module)."""
    tree_ = ast.parse(text, name)
    out = []
    for node in ast.walk(tree_):
        if isinstance(node, ast.Import):
            out.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.append(node.module)
            out.extend('%s.%s' % (node.module, a.name) for a in node.names)
    return [n for n in out if n == PACKAGE or n.startswith(PACKAGE + '.')]


def library(root):
    """{path relative to the library folder: source} of module ``root`` and every module of the
    collection's module_utils it imports, directly or not, with their packages' ``__init__.py``,
    plus empty ``__init__.py`` files for the packages above module_utils (so that the copy is a
    regular package, found before any other ``ansible_collections`` on the path)."""
    importlib.import_module(root)
    out = {}
    seen = set()
    todo = [root]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            text, is_package = _source(name)
        except ImportError:
            text = None
        if text is None:
            continue    # 'from pkg import name' where name is not a module
        parts = name.split('.')
        rel = os.path.join(*(parts + ['__init__.py'])) if is_package else os.path.join(*parts) + '.py'
        out[rel] = text
        todo.extend(_imports(text, name))
        for i in range(len(PACKAGE.split('.')), len(parts)):
            todo.append('.'.join(parts[:i]))
    base = PACKAGE.split('.')
    for i in range(1, len(base)):
        out.setdefault(os.path.join(*(base[:i] + ['__init__.py'])), '')
    return out


def remove_dir(folder):
    """Remove the folder ``folder`` when it is empty (missing or not empty: left as it is)."""
    try:
        os.rmdir(folder)
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, errno.ENOTEMPTY, errno.EEXIST):
            raise
