#!/usr/bin/env bash
# A/B of the controller's cost of a no-change topology run (bench/README.md, generators, "A/B at one load"):
#   NETVIRT_AB_MAIN=/work/main tools/sandbox bench/helpers/ab_src.sh [ROUNDS]
# The 33 x 33 grid is built once; then ROUNDS times (default 5): the no-change run with the other tree's
# collection (NETVIRT_AB_MAIN, its .build/collections), with this tree's (the grid filter in the task), with
# this tree's and src (the generator's result as a JSON file), and an empty playbook. Prints one line a run.
set -euo pipefail
R=$(cd "$(dirname "$0")/../.." && pwd)
MAIN=${NETVIRT_AB_MAIN:-/work/main}
W=$(mktemp -d)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=False ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_HOME=$W/home
A=(-i 'localhost,' -c local -e '{"ansible_python_interpreter": "'"$R"'/.venv/bin/python"}')
PYTHONPATH=$R/.build/collections "$R/.venv/bin/python" -c "
import json, sys
from ansible_collections.netvirt.linux.plugins.plugin_utils import _generators as g
json.dump(g.grid(33, 33, name='grid33'), open(sys.argv[1], 'w'))" "$W/grid33.json"
printf -- '---\n- hosts: localhost\n  gather_facts: false\n  tasks: []\n' > "$W/empty.yml"
cat > "$W/grid.yml" <<'PLAY'
---
- hosts: localhost
  gather_facts: false
  vars:
    lab: "{{ 33 | netvirt.linux.grid(33, name='grid33') }}"
  tasks:
    - name: Lab
      netvirt.linux.topology:
        name: "{{ lab.name }}"
        ipv6_quiet: "{{ lab.ipv6_quiet }}"
        namespaces: "{{ lab.namespaces }}"
        bridges: "{{ lab.bridges }}"
        links: "{{ lab.links }}"
      register: built
    - name: Report
      ansible.builtin.debug:
        msg: "BENCH elapsed={{ built.elapsed }}"
PLAY
sed -e '/^  vars:/,/^  tasks:/{/^  tasks:/!d}' -e '/^        name: /,/^        links: /d' \
    -e "s#^      netvirt.linux.topology:#      netvirt.linux.topology:\n        src: $W/grid33.json#" "$W/grid.yml" > "$W/gridsrc.yml"
t() {
    local s e
    s=$(date +%s.%N)
    ANSIBLE_COLLECTIONS_PATH=$1 "$R/.venv/bin/ansible-playbook" "${A[@]}" "$2" > "$W/out"
    e=$(date +%s.%N)
    echo "$3 whole=$(echo "$e - $s" | bc) $(grep -o 'elapsed=[0-9.]*' "$W/out" || true)"
}
uptime
t "$R/.build/collections" "$W/grid.yml" build
for _i in $(seq "${1:-5}"); do
    t "$MAIN/.build/collections" "$W/grid.yml" main-filter
    t "$R/.build/collections" "$W/grid.yml" branch-filter
    t "$R/.build/collections" "$W/gridsrc.yml" branch-src
    t "$R/.build/collections" "$W/empty.yml" empty
done
uptime
rm -rf "$W"
