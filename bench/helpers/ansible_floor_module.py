#!/usr/bin/env python
"""Ansible's own floor for a module process like netvirt.linux.iptables (bench/iptables_bench.py, not a benchmark itself):
AnsibleModule with the same argument spec reads the same arguments (1000 rule dicts checked
against their sub-options) and returns a result of the same size (each rule's text), doing no
iptables work at all. Run as `python ansible_floor_module.py args.json`, like a module."""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.netvirt.linux.plugins.module_utils._iptables import rules
from ansible_collections.netvirt.linux.plugins.module_utils._state.iptables import IptablesKind
from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import argument_spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(IptablesKind()), supports_check_mode=True)
    mark = rules.marker('%s/%s' % (module.params['table'], module.params['chain']))
    texts = ['-p tcp -m comment --comment %s -m tcp --dport %s -j ACCEPT' % (rules.quote(mark), r['destination_port'])
             for r in module.params['rules']]
    module.exit_json(changed=False, actions=[], rules={'ipv4': texts})


if __name__ == '__main__':
    main()
