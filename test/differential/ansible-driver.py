#!/usr/bin/python3
# The reference side of the differential harness: renders a batch of cases through
# ansible-core's own Templar, Conditional and DataLoader in one process, so thousands of
# cases cost seconds. Reads {"cases": [...]} as JSON on stdin, writes {"results": [...]}
# on stdout, one result per case in order. Each result is {"value": typed} or
# {"error": {"class", "message"}}; typed values keep Python's type (int vs float vs str...).
#
# Modes (what Drover call each one is compared with):
#   value  Templar.template(s)                      task arguments, vars   -> templar.render
#   text   Templar.do_template(s, escape_backslashes=False)  template module -> renderString
#   cond   Conditional.evaluate_conditional(...)    when/changed_when      -> templar.isTrue
#   yaml   DataLoader.load(s)                       playbook/vars files    -> parseYaml
import datetime
import hashlib
import io
import json
import math
import os
import sys

os.environ.setdefault('ANSIBLE_LOCAL_TEMP', '/tmp/drover-differential-ansible-tmp')
os.environ.setdefault('ANSIBLE_NOCOLOR', '1')
os.environ.setdefault('ANSIBLE_DEPRECATION_WARNINGS', '0')
os.environ.setdefault('ANSIBLE_SYSTEM_WARNINGS', '0')

# Ansible's Display writes to stdout; keep our JSON channel clean
real_stdout = sys.stdout
sys.stdout = sys.stderr

from collections.abc import Mapping  # noqa: E402

from jinja2.runtime import Undefined  # noqa: E402

from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.playbook.conditional import Conditional  # noqa: E402
from ansible.template import Templar  # noqa: E402


def typed(v, depth=0):
    """A JSON shape that keeps the Python type of a value."""
    if depth > 50:
        return {'t': 'other:deep', 'v': repr(v)[:200]}
    if isinstance(v, Undefined):
        return {'t': 'undefined'}
    if v is None:
        return {'t': 'none'}
    if isinstance(v, bool):
        return {'t': 'bool', 'v': v}
    if isinstance(v, int):
        return {'t': 'int', 'v': v if abs(v) < 2 ** 53 else str(v)}
    if isinstance(v, float):
        return {'t': 'float', 'v': v if math.isfinite(v) else repr(v)}
    if isinstance(v, str):
        return {'t': 'str', 'v': str(v)}
    if isinstance(v, Mapping):
        return {'t': 'dict', 'v': [[typed(k, depth + 1), typed(x, depth + 1)] for k, x in v.items()]}
    if isinstance(v, (list, tuple)):
        return {'t': 'list', 'v': [typed(x, depth + 1) for x in v]}
    if isinstance(v, datetime.datetime):
        return {'t': 'datetime', 'v': v.isoformat()}
    if isinstance(v, datetime.date):
        return {'t': 'date', 'v': v.isoformat()}
    if isinstance(v, bytes):
        return {'t': 'bytes', 'v': v.decode('utf-8', 'replace')}
    return {'t': 'other:' + type(v).__name__, 'v': repr(v)[:200]}


OMIT = '__omit_place_holder__' + hashlib.sha1(os.urandom(64)).hexdigest()


class Cond(Conditional):
    """Conditional needs a loader and a `when` list; nothing else of a Task."""

    def __init__(self, loader, when):
        super().__init__(loader=loader)
        self.when = when


def run_case(case, loader, templar):
    mode = case.get('mode', 'value')
    src = case['input']
    if mode == 'yaml':
        return loader.load(src)
    # a task's templar always sees `omit` (VariableManager adds it); Drover's templar has it too
    templar.available_variables = dict({'omit': OMIT}, **(case.get('vars') or {}))
    if mode == 'value':
        return templar.template(src)
    if mode == 'text':
        return templar.do_template(src, preserve_trailing_newlines=True, escape_backslashes=False)
    if mode == 'cond':
        return Cond(loader, [src]).evaluate_conditional(templar, templar.available_variables)
    raise ValueError('unknown mode %r' % mode)


def main():
    batch = json.load(sys.stdin)
    loader = DataLoader()
    templar = Templar(loader=loader)
    results = []
    for case in batch['cases']:
        try:
            results.append({'value': typed(run_case(case, loader, templar))})
        except Exception as e:  # every Ansible error is a result the harness compares
            results.append({'error': {'class': type(e).__name__, 'message': str(e)[:600]}})
    out = io.StringIO()
    json.dump({'results': results, 'ansible': __import__('ansible').__version__}, out)
    real_stdout.write(out.getvalue())
    real_stdout.flush()


if __name__ == '__main__':
    main()
