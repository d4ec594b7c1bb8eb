# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sphinx configuration of the netvirt.linux docs site (tools/docs, `make docs`); started from
`antsibull-docs sphinx-init`.

Warnings are errors (tools/docs runs sphinx-build -W --keep-going), and nitpicky is on. What would
only warn for want of a network is kept out here, by configuration, not by ignoring warnings:
- no intersphinx inventory is fetched (sphinx-init maps python, jinja2 and ansible_devel, each read
  from the web at build time; unreachable, each is a warning "failed to reach any of the inventories",
  and every reference into the Ansible docs then an "undefined label"). The few labels of the Ansible
  docs the pages refer to come from a local inventory that tools/docs writes from
  docs/site/ansible-labels.txt (NETVIRT_DOCS_ANSIBLE_INV), so they still link to the Ansible docs;
- no remote images (none are used) and no linkcheck builder.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

project = 'netvirt.linux'
copyright = 'netvirt.linux contributors'     # pylint: disable=redefined-builtin
title = 'netvirt.linux documentation'
html_short_title = 'netvirt.linux'

extensions = ['sphinx_antsibull_ext', 'myst_parser']
source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
myst_heading_anchors = 3

pygments_style = 'ansible'
highlight_language = 'YAML+Jinja'

html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False
display_version = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

extensions.append('sphinx.ext.intersphinx')
intersphinx_mapping = {
    'ansible': ('https://docs.ansible.com/ansible/latest/', os.environ['NETVIRT_DOCS_ANSIBLE_INV']),
}

default_role = 'any'
nitpicky = True
