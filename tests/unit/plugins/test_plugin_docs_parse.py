# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every plugin's DOCUMENTATION, EXAMPLES and RETURN (and every role's meta/argument_specs.yml) parse as
YAML, each a mapping (EXAMPLES a list of tasks), before ansible-doc, antsibull or sanity see them: a plain scalar holding ': ' makes the page
unreadable (it happened to the iptables page) and only `make changelog` and sanity said so."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import os

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
KEYS = ('DOCUMENTATION', 'EXAMPLES', 'RETURN')


def doc_blocks():
    out = []
    for folder in ('modules', 'filter', 'connection', 'action'):
        base = os.path.join(ROOT, 'plugins', folder)
        for name in sorted(os.listdir(base)) if os.path.isdir(base) else ():
            if not name.endswith('.py') or name.startswith('_'):
                continue
            tree = ast.parse(open(os.path.join(base, name)).read())
            for node in tree.body:
                if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                        and node.targets[0].id in KEYS and isinstance(node.value, ast.Constant)):
                    out.append(pytest.param(node.targets[0].id, node.value.value, id='%s/%s:%s' % (
                        folder, name, node.targets[0].id)))
    return out


def test_there_are_doc_blocks():
    assert len(doc_blocks()) > 60


@pytest.mark.parametrize('key,text', doc_blocks())
def test_the_block_parses_as_yaml(key, text):
    data = yaml.safe_load(text)
    if key == 'EXAMPLES':
        assert isinstance(data, list) and data, 'EXAMPLES must be a list of tasks'
    else:
        assert isinstance(data, dict) and data, '%s must be a mapping' % key


def test_a_colon_in_a_plain_scalar_is_caught():
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load('options:\n  x:\n    description:\n      - a name\n        (or unset): a PID is refused\n')


def role_specs():
    base = os.path.join(ROOT, 'roles')
    return [pytest.param(os.path.join(base, role, 'meta', 'argument_specs.yml'), id=role)
            for role in sorted(os.listdir(base)) if os.path.isfile(os.path.join(base, role, 'meta', 'argument_specs.yml'))]


def test_there_are_role_specs():
    assert len(role_specs()) >= 5


@pytest.mark.parametrize('path', role_specs())
def test_a_roles_argument_spec_parses_as_yaml(path):
    with open(path) as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict) and 'main' in data['argument_specs'], path
