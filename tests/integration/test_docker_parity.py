"""The role netvirt.linux.docker_bridge against a real Docker daemon (Debian's docker.io, tools/bootstrap installs
it): docker_parity.py builds one scenario (two networks, published TCP and UDP ports, an outside namespace)
with dockerd in one sandbox and with the role in another, and measures the same reachability table in both
(who reaches whom, and the source address each server sees). Every row must be equal, except the rows the
role's README lists under "Intended differences from Docker". A third sandbox runs the role beside a running
dockerd: both tables must be what they are alone, the two sides isolated from each other (CROSS_ROWS), also
with a DROP in DOCKER-USER. A fourth measures Docker with its default userland proxy, for the README's
comparison table (not compared: the role reproduces --userland-proxy=false).
Every sandbox checks that what it made is gone (dockerd and its containers stopped, cgroups removed; the
tmpfs mounts and namespaces go with the sandbox).
The measurement is kept in tests/output/integration/pyroute2-X.Y/docker-parity.json and the README's table
must be the one tools/docker-parity-table renders from it (`tools/docker-parity-table --write FILE` updates it).
"""

import fcntl
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from harness import REPO, module_pythons, run_runner

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, 'docker_parity.py')
README = os.path.join(REPO, 'roles', 'docker_bridge', 'README.md')
TABLE_TOOL = os.path.join(REPO, 'tools', 'docker-parity-table')

import docker_parity  # noqa: E402  pylint: disable=wrong-import-position


def intended_differences(text=None):
    """Row ids the README lists as intended differences: the bullets `- \\`row-id\\`: why` of the section
    "Intended differences from Docker" (a row of the run side by side: `cross:row-id`, `cross+drop:row-id`...)."""
    if text is None:
        with open(README) as handle:
            text = handle.read()
    section = re.search(r'^## Intended differences from Docker\n(.*?)(?=^## |\Z)', text, re.M | re.S)
    if not section:
        return set()
    return set(re.findall(r'^- `([a-z0-9+:-]+)`', section.group(1), re.M))


def test_intended_differences_parser():
    text = ('# x\n## Intended differences from Docker\n\nIntro.\n\n- `hairpin-self-host`: because\n'
            '- `cross+drop:x-a`: because\n  more\n\n## Variables\n- `not-this`: no\n')
    assert intended_differences(text) == {'hairpin-self-host', 'cross+drop:x-a'}
    assert intended_differences('# nothing\n') == set()


def differences(docker, role, allowed=()):
    return ['%s: Docker %r, role %r' % (row, docker.get(row), role.get(row))
            for row in sorted(set(docker) | set(role)) if docker.get(row) != role.get(row) and row not in allowed]


def test_differences():
    assert differences({'a': 'ok A1', 'b': 'timeout'}, {'a': 'ok A1', 'b': 'refused'}) == \
        ["b: Docker 'timeout', role 'refused'"]
    assert differences({'a': 'ok A1', 'b': 'timeout'}, {'a': 'ok A1', 'b': 'refused'}, allowed={'b'}) == []
    assert differences({'a': 'ok A1'}, {}) == ["a: Docker 'ok A1', role None"]


@pytest.fixture(scope='module')
def docker_available():
    for path in (docker_parity.DOCKERD, docker_parity.DOCKER, '/bin/busybox'):
        if not os.access(path, os.X_OK):
            pytest.fail('%s is missing: run tools/bootstrap (it installs docker.io and busybox-static)' % path,
                        pytrace=False)


MODES = ('docker', 'docker-proxy', 'role', 'role-nftables', 'both')


def measure_all(python):
    """The five sandboxes of one module interpreter, all at once, run once for both backends' tests: the dockerd
    oracle (and the run side by side, iptables only) is the same for both. The reports are kept for the pytest
    session (xdist workers share PYTEST_XDIST_TESTRUNUID) in a file under a lock, so the test of the other
    backend, on whatever worker, reads them instead of measuring again."""
    out = os.path.join(REPO, 'tests', 'output', 'integration', python.label)
    os.makedirs(out, exist_ok=True)
    session = os.environ.get('PYTEST_XDIST_TESTRUNUID') or 'pid%d' % os.getpid()
    kept = os.path.join(out, 'docker-parity-reports.json')
    with open(os.path.join(out, 'docker-parity.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(kept) as handle:
                saved = json.load(handle)
            if saved.get('session') == session:
                return saved['reports'], out
        except (OSError, ValueError):
            pass

        def one(mode):
            return run_runner(RUNNER, [mode, python.path], 'docker parity %s (%s)' % (mode, python.label),
                              os.path.join(out, 'docker-parity-%s.log' % mode))
        with ThreadPoolExecutor(len(MODES)) as pool:
            reports = dict(zip(MODES, pool.map(one, MODES)))
        if all(r['error'] is None for r in reports.values()):
            measured = {'docker': reports['docker']['tables']['docker'],
                        'docker-proxy': reports['docker-proxy']['tables']['docker'],
                        'role': reports['role']['tables']['role'],
                        'role-nftables': reports['role-nftables']['tables']['role']}
            with open(os.path.join(out, 'docker-parity.json'), 'w') as handle:
                json.dump(measured, handle, indent=1, sort_keys=True)
        with open(kept, 'w') as handle:
            json.dump({'session': session, 'reports': reports}, handle)
        return reports, out


@pytest.mark.parametrize('backend', ['iptables', 'nftables'])
@pytest.mark.parametrize('python', [pytest.param(p, id=p.label) for p in module_pythons()])
def test_docker_parity(python, backend, docker_available):  # pylint: disable=redefined-outer-name,unused-argument
    if python.error:
        pytest.fail(python.error, pytrace=False)
    reports, out = measure_all(python)
    mine = ('docker', 'docker-proxy', 'role', 'both') if backend == 'iptables' else ('docker', 'role-nftables')
    for mode in mine:
        report = reports[mode]
        assert report['error'] is None, 'docker parity %s: %s (log %s)' % (
            mode, report['error'], os.path.join(out, 'docker-parity-%s.log' % mode))
        assert report['left'] == [], 'docker parity %s left things behind: %s' % (mode, report['left'])

    docker = reports['docker']['tables']['docker']
    role = reports['role' if backend == 'iptables' else 'role-nftables']['tables']['role']
    assert set(docker) == {row[0] for row in docker_parity.ROWS}
    assert set(role) == set(docker)
    # The backend asked for is the one that was built (the other left nothing of its own).
    built = reports['role' if backend == 'iptables' else 'role-nftables']
    assert ('table ip nv-bridges-web' in built['nftables']) == (backend == 'nftables'), built['nftables']
    assert ('-A NV-web-FWD' in built['iptables']) == (backend == 'iptables'), built['iptables']
    intended = intended_differences()
    if backend == 'nftables':
        # The role on nftables against the same dockerd (iptables, --userland-proxy=false); a README entry
        # `nftables:ROW` would allow a row to differ.
        found = {'nftables:' + line.split(':', 1)[0] for line in differences(docker, role)}
        unlisted = ['nftables:' + line for line in differences(docker, role)
                    if 'nftables:' + line.split(':', 1)[0] not in intended]
        assert not unlisted, 'the role on nftables differs from Docker:\n' + '\n'.join(unlisted)
        stale = sorted(i for i in intended if i.startswith('nftables:') and i not in found)
        assert not stale, 'the README lists as intended differences rows that now match: %s' % stale
        return

    # Side by side: each table as it is alone, the two isolated from each other, DOCKER-USER respected.
    both = reports['both']['tables']
    changes = docker_parity.DOCKER_USER_CHANGES
    comparisons = [
        ('', 'the role differs from Docker (--userland-proxy=false)', docker, role),
        ('beside:', 'Docker\'s table changed with the role beside it', docker, both['docker']),
        ('role-beside:', 'the role\'s table changed with Docker beside it', role, both['role-beside']),
        ('cross:', 'Docker and the role are not isolated from each other', docker_parity.CROSS_EXPECTED,
         both['cross']),
        ('drop:', 'the DROP in DOCKER-USER did not act on Docker\'s rows as expected',
         dict(docker, **changes['docker']), both['docker+drop']),
        ('role-beside+drop:', 'the DROP in DOCKER-USER changed the role\'s own rows', role, both['role-beside+drop']),
        ('cross+drop:', 'the DROP in DOCKER-USER did not stop the role\'s containers',
         dict(docker_parity.CROSS_EXPECTED, **changes['cross']), both['cross+drop']),
    ]
    found, unlisted = set(), []
    for prefix, what, expected, got in comparisons:
        for line in differences(expected, got):
            key = prefix + line.split(':', 1)[0]
            found.add(key)
            if key not in intended:
                unlisted.append('%s: %s%s' % (what, prefix, line))
    assert not unlisted, 'differences the role\'s README does not list as intended:\n' + '\n'.join(unlisted)
    stale = sorted(i for i in intended - found if not i.startswith('nftables:'))
    assert not stale, 'the README lists as intended differences rows that now match: %s' % stale

    # The README's table is the one this measurement renders.
    proc = subprocess.run([sys.executable, TABLE_TOOL, '--check', os.path.join(out, 'docker-parity.json')],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    assert proc.returncode == 0, proc.stdout
