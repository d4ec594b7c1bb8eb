"""Order of the integration tests, for pytest-xdist (`make integration*` run `-n auto --dist load
--maxschedchunk 1`): the targets first, the biggest first (the size of the target's files stands in
for its duration: a fresh CI machine has no earlier timings), then the other tests, and last the many
short bad-input tests, which fill the gaps at the end. Without xdist the order is the same;
every test is independent of the others (each runs in a sandbox of its own)."""

import os

HERE = os.path.dirname(os.path.abspath(__file__))


def _size(target):
    total = 0
    for dirpath, _dirnames, filenames in os.walk(os.path.join(HERE, 'targets', target)):
        total += sum(os.path.getsize(os.path.join(dirpath, name)) for name in filenames)
    return total


def pytest_collection_modifyitems(session, config, items):
    sizes = {}
    targets = []
    rest = []
    for item in items:
        callspec = getattr(item, 'callspec', None)
        target = callspec.params.get('target') if callspec is not None and item.originalname == 'test_target' else None
        if target:
            if target not in sizes:
                sizes[target] = _size(target)
            targets.append(item)
        else:
            rest.append(item)
    targets.sort(key=lambda item: -sizes[item.callspec.params['target']])
    # xdist's load scheduling gives each of the 2 workers 2 tests to begin with (items 0-1 and 2-3):
    # pair the longest with the 4th and the 2nd with the 3rd rather than the two longest.
    if len(targets) >= 4:
        targets[1:4] = [targets[3], targets[1], targets[2]]
    # The many short bad-input tests last, after the other few tests.
    rest.sort(key=lambda item: item.originalname == 'test_bad_input')
    # issue 14: the simulated-fleet test of the overlay role is the longest of all: first.
    first = [item for item in rest if item.originalname == 'test_overlay_fleet']
    rest = [item for item in rest if item.originalname != 'test_overlay_fleet']
    items[:] = first + targets + rest
