# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of netvirt.linux.topology: the option ``src`` and a lighter result.

``src`` names a YAML or JSON file on the controller holding topology options (``namespaces``,
``links``, ...: any option of the module but ``src``). It is found as ``copy`` and ``template`` find
theirs (a role's ``files/``, the playbook's ``files/``, then relative to the playbook), decrypted when
vaulted, parsed here (JSON first, then YAML) and not templated, and its options are shipped to the
module beside the task's own. An option given both in the file and in the task is refused (naming
it and the file): no silent precedence. A large lab given as a file is not a large literal in the
task that Ansible templates, copies and checks item by item on every run.

The module does the rest as without the plugin (check mode and diff are the module's). Below
``-vvv`` the result's ``invocation`` (every option the module ran with, echoed back: the whole lab)
is dropped, since the default callback shows it only from ``-vvv`` on.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import yaml

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_native, to_text
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

try:
    SAFE_LOADER = yaml.CSafeLoader
except AttributeError:  # PyYAML without libyaml
    SAFE_LOADER = yaml.SafeLoader

# the module's options that a file may give (the module's argument spec less src; a unit test keeps
# this equal to TopologyKind.argument_spec, which is not imported here: it costs ~0.1 s on the controller)
FILE_OPTIONS = frozenset(['name', 'state', 'purge', 'persist', 'ipv6_quiet', 'netns', 'namespaces', 'bridges',
                          'links', 'vxlans', 'tuntaps', 'routes', 'sysctls'])


class SrcError(Exception):
    """A src file that cannot be used; the message names the option and the file."""


def parse(text, path):
    """The options in a src file's text: JSON, else YAML; a mapping of module options."""
    try:
        data = json.loads(text)
    except ValueError:
        try:
            data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506  (a safe loader)
        except yaml.YAMLError as exc:
            raise SrcError('option src: %s is neither JSON nor YAML: %s' % (path, to_native(exc)))
    if not isinstance(data, dict):
        raise SrcError('option src: %s must hold a mapping of topology options (namespaces, links, ...), not %s'
                       % (path, 'an empty file' if data is None else type(data).__name__))
    unknown = sorted('%s' % key for key in data if key not in FILE_OPTIONS)
    if unknown:
        raise SrcError('option src: %s gives %s, not %s of netvirt.linux.topology (a file may give: %s)'
                       % (path, ', '.join(unknown), 'an option' if len(unknown) == 1 else 'options',
                          ', '.join(sorted(FILE_OPTIONS))))
    return data


def merge(task_args, from_file, path):
    """The task's options and the file's; an option in both is refused."""
    both = sorted(set(task_args) & set(from_file))
    if both:
        raise SrcError('option src: %s gives %s, which the task gives too; give each option in one place'
                       % (path, ', '.join(both)))
    out = dict(task_args)
    out.update(from_file)
    return out


class ActionModule(ActionBase):

    _supports_check_mode = True
    _supports_async = True

    def _read_src(self, src):
        try:
            path = self._find_needle('files', src)
        except AnsibleError as exc:
            raise SrcError('option src: cannot find the file %s: %s' % (src, to_native(exc)))
        real = None
        try:
            real = self._loader.get_real_file(path, decrypt=True)
            with open(real, 'rb') as handle:
                text = to_text(handle.read(), errors='surrogate_or_strict')
        except (AnsibleError, IOError, OSError, UnicodeError) as exc:
            raise SrcError('option src: cannot read the file %s: %s' % (path, to_native(exc)))
        finally:
            if real is not None and real != path:
                self._loader.cleanup_tmp_file(real)
        return path, text

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        args = dict(self._task.args)
        src = args.pop('src', None)
        if src is not None:
            try:
                path, text = self._read_src(to_text(src))
                args = merge(args, parse(text, path), path)
            except SrcError as exc:
                text = to_text(exc)
                if args.get('name') is not None:   # the object: the topology, when the task names it
                    text = text.replace('option src:', 'option src of topology %s:' % to_text(args['name']), 1)
                result.update(failed=True, changed=False, msg=text)
                return result

        wrap_async = self._task.async_val and not getattr(self._connection, 'has_native_async', False)
        result = merge_hash(result, self._execute_module(module_args=args, task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            # remove a temporary path we created
            self._remove_tmp_path(self._connection._shell.tmpdir)
        if self._display.verbosity < 3:
            result.pop('invocation', None)
        return result
