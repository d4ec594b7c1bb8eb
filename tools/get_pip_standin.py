# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the get-pip script ansible-test downloads.

ansible-test sanity bootstraps pip in each of its virtual environments with a
get-pip script fetched from a host that is not reachable from our machines.
It caches it as ~/.ansible/test/cache/get_pip_<pip version>.py (24.2 for
ansible-core 2.19, see ansible_test/_internal/python_requirements.py) and runs
it as `python get_pip_24_2.py --disable-pip-version-check pip==24.2
[--no-setuptools] [--no-wheel]`. tools/sanity copies this file there.

This does the same with what the venv already has: ensurepip, then pip
installs the requested pip version from the package index.
"""

from __future__ import annotations

import subprocess
import sys

GET_PIP_ONLY = ("--no-setuptools", "--no-wheel", "--no-pip")


def main():
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    main()
