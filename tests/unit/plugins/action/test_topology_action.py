# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The topology action plugin: src read on the controller (JSON, YAML), merged with the task's options
(an option in both refused), bad files refused naming the option, the file and the topology, the
module run with the merged options, invocation dropped below -vvv; its list of file options equals
the module's argument spec."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

import pytest

from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.utils.display import Display

from ansible_collections.netvirt.linux.plugins.action import topology as action
from ansible_collections.netvirt.linux.plugins.module_utils._state.topology import TopologyKind

LAB = {'namespaces': [{'name': 'a'}, {'name': 'b'}],
       'links': [{'name': 'v0', 'netns': 'a', 'peer': {'name': 'v1', 'netns': 'b'}}]}


def test_file_options_are_the_modules_options_but_src():
    assert action.FILE_OPTIONS == frozenset(TopologyKind.options()) - {'src'}


def test_parse_json_and_yaml_alike():
    assert action.parse(json.dumps(LAB), 'lab.json') == LAB
    text = 'namespaces: [{name: a}, {name: b}]\nlinks:\n  - {name: v0, netns: a, peer: {name: v1, netns: b}}\n'
    assert action.parse(text, 'lab.yml') == LAB


def test_parse_keeps_jinja_text_as_it_is():
    assert action.parse('{"name": "{{ x }}"}', 'f.json') == {'name': '{{ x }}'}


@pytest.mark.parametrize('text, words', [
    ('namespaces: [a\n  b: {', ['option src:', 'f.yml', 'neither JSON nor YAML']),
    ('- {name: a}\n', ['option src:', 'f.yml', 'mapping', 'not list']),
    ('', ['option src:', 'f.yml', 'an empty file']),
    ('namespace: []\nsrc: other.yml\n', ['option src:', 'f.yml', 'gives namespace, src, not options']),
])
def test_parse_refuses_bad_files(text, words):
    with pytest.raises(action.SrcError) as err:
        action.parse(text, 'f.yml')
    for word in words:
        assert word in str(err.value)


def test_merge_refuses_an_option_in_both():
    assert action.merge({'name': 't'}, LAB, 'f') == dict(LAB, name='t')
    with pytest.raises(action.SrcError) as err:
        action.merge({'name': 't', 'links': []}, dict(LAB, name='u'), 'lab.yml')
    assert 'option src: lab.yml gives links, name, which the task gives too' in str(err.value)


class FakeTask(object):
    def __init__(self, args):
        self.args = args
        self.async_val = 0
        self.action = 'netvirt.linux.topology'
        self.check_mode = False
        self.diff = False


class Plugin(action.ActionModule):
    """The plugin with the controller's surroundings replaced: files under a folder, a recorded module call."""

    def __init__(self, args, folder, returns=None):  # pylint: disable=super-init-not-called
        self._task = FakeTask(args)
        self._loader = DataLoader()
        self._display = Display()
        self.folder = folder
        self.calls = []
        self.returns = returns if returns is not None else {'changed': True, 'invocation': {'module_args': {}}}

    def _find_needle(self, dirname, needle):
        assert dirname == 'files'
        path = os.path.join(self.folder, needle)
        if not os.path.exists(path):
            raise AnsibleError("Could not find or access '%s'" % needle)
        return path

    def _execute_module(self, module_name=None, module_args=None, tmp=None, task_vars=None, persist_files=False,
                        delete_remote_tmp=None, wrap_async=False, ignore_unknown_opts=False):
        self.calls.append(module_args)
        return dict(self.returns)

    def _remove_tmp_path(self, tmp_path, force=False):
        pass

    class _connection(object):  # noqa: N801  pylint: disable=invalid-name
        has_native_async = False

        class _shell(object):  # noqa: N801  pylint: disable=invalid-name
            tmpdir = None


@pytest.fixture(autouse=True)
def base_run(monkeypatch):
    monkeypatch.setattr(action.ActionBase, 'run', lambda self, tmp=None, task_vars=None: {})


def test_src_options_reach_the_module_with_the_tasks(tmp_path):
    (tmp_path / 'lab.json').write_text(json.dumps(LAB))
    plugin = Plugin({'name': 't', 'src': 'lab.json', 'purge': True}, str(tmp_path))
    result = plugin.run(task_vars={})
    assert plugin.calls == [dict(LAB, name='t', purge=True)]
    assert result['changed'] is True
    assert 'invocation' not in result


def test_without_src_the_tasks_options_go_as_they_are(tmp_path):
    plugin = Plugin({'name': 't', 'namespaces': [{'name': 'x'}]}, str(tmp_path))
    plugin.run(task_vars={})
    assert plugin.calls == [{'name': 't', 'namespaces': [{'name': 'x'}]}]


def test_invocation_kept_from_vvv_on(tmp_path, monkeypatch):
    plugin = Plugin({'name': 't'}, str(tmp_path))
    monkeypatch.setattr(plugin, '_display', type('Loud', (object,), {'verbosity': 3})())
    assert 'invocation' in plugin.run(task_vars={})


@pytest.mark.parametrize('make, words', [
    (None, ['option src of topology t:', 'cannot find the file lab.yml']),
    ('dir', ['option src of topology t:', 'cannot read the file', 'lab.yml']),
    ('bad', ['option src of topology t:', 'lab.yml', 'neither JSON nor YAML']),
    ('conflict', ['option src of topology t:', 'lab.yml gives name, which the task gives too']),
])
def test_bad_src_fails_before_the_module(tmp_path, make, words):
    path = tmp_path / 'lab.yml'
    if make == 'dir':
        path.mkdir()
    elif make == 'bad':
        path.write_text('links: [\n')
    elif make == 'conflict':
        path.write_text('name: u\n')
    plugin = Plugin({'name': 't', 'src': 'lab.yml'}, str(tmp_path))
    result = plugin.run(task_vars={})
    assert plugin.calls == []
    assert result['failed'] is True and result['changed'] is False
    for word in words:
        assert word in result['msg']


def test_the_module_alone_refuses_src():
    from ansible_collections.netvirt.linux.tests.unit.fakes import params
    from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
    with pytest.raises(ValidationError) as err:
        TopologyKind().desired(params(TopologyKind, name='t', src='/x/lab.yml'))
    assert 'option src of topology t: the file /x/lab.yml is read on the controller' in str(err.value)
    assert err.value.option == 'src'
