"""Every unit test takes its locks in a folder of its own: the runner's namespace locks (and the
iptables lock) would otherwise be files in the machine's own /run/netvirt."""

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._host import lock


@pytest.fixture(autouse=True)
def _locks_in_tmp(monkeypatch, tmp_path_factory):
    folder = tmp_path_factory.mktemp('locks')
    monkeypatch.setattr(lock, 'LOCK_DIR', str(folder))
    return folder
