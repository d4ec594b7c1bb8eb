"""The lab report in a real browser: the netvirt.linux.lab_report filter writes the demo's report from the
demo's recorded net_info, reachability and actions (tests/unit/plugins/filter/fixtures/demo.json, made by
tools/record_lab_fixtures), and Debian's Chromium opens it headless inside tools/sandbox (a network
namespace with only lo: the page cannot load anything from anywhere, and the test proves it needs nothing).

From the DOM Chromium built (--dump-dom) the test checks that the page rendered (title, the picture as SVG),
that the SVG has exactly one node per namespace and bridge of the lab (and the host), and that the matrix has
one cell per row and column of the reachability result, each coloured by its result. From the screenshot
(--screenshot, a PNG decoded here with zlib) it checks its size and that the colours of the reachable cells
and of the bridge node are on it. The page, the DOM and the screenshot stay in tests/output/browser/
(docs/lab-report-demo.png is a copy of that screenshot).

The checks are functions of their own, and the last tests feed them a page with a node taken out and a
screenshot without the colours, to show that they fail then."""

import json
import os
import re
import struct
import subprocess
import sys
import zlib

import pytest

from harness import COLLECTIONS, REPO, SANDBOX

FIXTURE = os.path.join(REPO, 'tests', 'unit', 'plugins', 'filter', 'fixtures', 'demo.json')
OUTPUT = os.path.join(REPO, 'tests', 'output', 'browser')
WINDOW = (1280, 1100)
CHROMIUM_TIMEOUT = 120
# Known to work here as root; a fresh --user-data-dir each run.
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update', '--disable-sync',
                  '--hide-scrollbars']
REACHABLE = (0xb7, 0xe4, 0xb0)      # td.reachable in the report's style
BRIDGE = (0xfd, 0xe9, 0xc8)         # the bridge node's fill


def chromium():
    for path in ('/usr/bin/chromium', '/usr/bin/chromium-browser'):
        if os.access(path, os.X_OK):
            return path
    pytest.fail('Chromium is not installed (tools/bootstrap installs the Debian package chromium)', pytrace=False)


def write_report(path):
    sys.path.insert(0, COLLECTIONS)
    from ansible_collections.netvirt.linux.plugins.filter.lab_report import FilterModule
    with open(FIXTURE) as f:
        data = json.load(f)
    actions = dict((label, data['actions'][label]) for label in ('docker_bridge topology', 'docker_bridge chains'))
    lab_report = FilterModule().filters()['lab_report']
    page = lab_report(data['info'], reachability=data['reach'], actions=actions,
                      title='netvirt.linux demo: a Docker-style bridge network')
    with open(path, 'w') as f:
        f.write(page)
    return data


def run_chromium(page, profile, extra):
    """Chromium on file://PAGE inside the sandbox; returns its stdout."""
    argv = [SANDBOX, chromium()] + CHROMIUM_FLAGS + ['--user-data-dir=%s' % profile] + extra + ['file://' + page]
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=CHROMIUM_TIMEOUT, check=False)
    assert proc.returncode == 0, 'chromium failed (exit %d): %s' % (proc.returncode, proc.stderr.decode()[-3000:])
    return proc.stdout.decode('utf-8', 'replace')


# ---------------------------------------------------------------- the checks

def expected_nodes(data):
    """{svg node id: kind} the demo must show: the host, each namespace that exists, each bridge."""
    info = data['info']
    want = {'host': 'host'}
    for name, facts in info['namespaces'].items():
        if facts.get('exists'):
            want['ns_' + name] = 'netns'
    for name in info['current'].get('bridges') or {}:
        want['bridge_host_' + name] = 'bridge'
    return want


def check_dom(dom, data):
    assert '<h1>netvirt.linux demo: a Docker-style bridge network</h1>' in dom, 'the page did not render its title'
    assert re.search(r'<svg[^>]*>', dom), 'the page has no SVG picture'
    assert 'id="no-dot"' not in dom, 'the page says Graphviz is missing'
    nodes = re.findall(r'<g id="([^"]+)" class="node ([a-z]+)">', dom)
    want = expected_nodes(data)
    shown = dict(nodes)
    assert len(nodes) == len(shown), 'a node is drawn twice: %s' % nodes
    assert shown == want, 'the SVG nodes differ from the namespaces and bridges of the lab: shown %s, expected %s' % (
        sorted(shown.items()), sorted(want.items()))
    matrix = data['reach']['matrix']
    cells = dict(((row, col), css) for css, row, col in
                 re.findall(r'<td class="([^"]+)" data-row="([^"]*)" data-col="([^"]*)"', dom))
    expected = set((row, col) for row in matrix['rows'] for col in matrix['columns'])
    assert set(cells) == expected, 'the matrix cells differ: missing %s, extra %s' % (
        sorted(expected - set(cells)), sorted(set(cells) - expected))
    for row, columns in matrix['cells'].items():
        for col, value in columns.items():
            want_css = {'reachable': 'reachable', 'unreachable': 'expected-unreachable'}[value]
            assert cells[(row, col)] == want_css, 'cell %s -> %s is %s, expected %s' % (row, col, cells[(row, col)], want_css)
    assert 'unmet' not in cells.values()


def png_pixels(path):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    with open(path, 'rb') as f:
        blob = f.read()
    assert blob[:8] == b'\x89PNG\r\n\x1a\n', '%s is not a PNG' % path
    pos, idat, width = 8, b'', None
    while pos < len(blob):
        length, kind = struct.unpack('>I4s', blob[pos:pos + 8])
        body = blob[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            width, height, depth, colour = struct.unpack('>IIBB', body[:10])
            assert depth == 8 and colour in (2, 6), 'unexpected PNG format (depth %d, colour type %d)' % (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride if kind else 0):      # filter type 0: the bytes as they are
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xff
            elif kind == 2:
                line[i] = (line[i] + up) & 0xff
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xff
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + pred) & 0xff
        rows.append([tuple(line[x * channels:x * channels + 3]) for x in range(width)])
        previous = line
    return width, height, rows


def colour_count(rows, colour):
    return sum(row.count(colour) for row in rows)


def check_screenshot(path):
    width, height, rows = png_pixels(path)
    assert (width, height) == WINDOW, 'the screenshot is %dx%d, expected %dx%d' % ((width, height) + WINDOW)
    colours = set(pixel for row in rows[::8] for pixel in row[::8])
    assert len(colours) > 20, 'the screenshot is (nearly) blank: %d colours' % len(colours)
    assert colour_count(rows, REACHABLE) > 5000, 'no green reachable cells on the screenshot'
    assert colour_count(rows, BRIDGE) > 500, 'no bridge node (its fill colour) on the screenshot'


# ---------------------------------------------------------------- the tests

@pytest.fixture(scope='module')
def rendered(tmp_path_factory):
    os.makedirs(OUTPUT, exist_ok=True)
    page = os.path.join(OUTPUT, 'demo-report.html')
    png = os.path.join(OUTPUT, 'demo-report.png')
    for stale in (png, os.path.join(OUTPUT, 'demo-report.dom.html')):
        if os.path.exists(stale):
            os.unlink(stale)
    data = write_report(page)
    profile = str(tmp_path_factory.mktemp('chromium-profile'))
    dom = run_chromium(page, profile, ['--dump-dom'])
    with open(os.path.join(OUTPUT, 'demo-report.dom.html'), 'w') as f:
        f.write(dom)
    run_chromium(page, profile, ['--window-size=%d,%d' % WINDOW, '--screenshot=%s' % png])
    assert os.path.isfile(png), 'chromium wrote no screenshot'
    return {'data': data, 'dom': dom, 'png': png}


def test_report_renders_in_chromium(rendered):
    check_dom(rendered['dom'], rendered['data'])


def test_screenshot_shows_the_report(rendered):
    check_screenshot(rendered['png'])


def test_the_dom_check_fails_when_a_node_is_missing(rendered):
    dom = re.sub(r'<g id="ns_db" class="node netns">.*?</g>', '', rendered['dom'], count=1, flags=re.S)
    assert dom != rendered['dom']
    with pytest.raises(AssertionError, match='the SVG nodes differ'):
        check_dom(dom, rendered['data'])
    dom = re.sub(r'<td class="[^"]+" data-row="db" data-col="web"[^>]*>[^<]*</td>', '', rendered['dom'])
    with pytest.raises(AssertionError, match=r"the matrix cells differ: missing \[\('db', 'web'\)\]"):
        check_dom(dom, rendered['data'])


def test_the_screenshot_check_fails_on_a_blank_page(rendered, tmp_path):
    width, height = WINDOW
    raw = b''.join(b'\x00' + b'\xff\xff\xff' * width for _y in range(height))

    def chunk(kind, body):
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff)
    blank = tmp_path / 'blank.png'
    blank.write_bytes(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
                      + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
    with pytest.raises(AssertionError, match='blank'):
        check_screenshot(str(blank))
