#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The include graph of src/lib against the layer order:
#
#   base → records → reference → formats | render | store → import | portal → share
#
# An area may include its own headers and those of areas on an earlier
# level; peers (same level) may not include each other. Also: nothing under
# src/lib includes GTK or libadwaita, no include reaches into another folder
# by path, and a *-private.h is included only from its own folder.
#
# The consent gate: the ledger's writing calls (techo-consent-ledger.h)
# are included only by the ledger itself, the disclosure unit and the
# ledger's own unit test, anywhere in the tree; every other way out goes
# through techo-disclosure.h.
# Prints one line per violation and exits 1 if there is any.

import os
import re
import sys

LEVELS = {
    'base': 0, 'records': 1, 'reference': 2,
    'formats': 3, 'render': 3, 'store': 3,
    'import': 4, 'portal': 4,
    'share': 5,
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
FORBIDDEN_SYSTEM = re.compile(r'^(gtk/|gdk/|adwaita\.h|libadwaita)')
LEDGER_HEADER = 'techo-consent-ledger.h'
LEDGER_INCLUDERS = {
    'src/lib/store/techo-store-consents.c',  # the ledger's rows
    'src/lib/share/techo-disclosure.c',      # the consent gate
    'tests/test-consent.c',                  # the ledger's own unit test
}


def main(top):
    lib = os.path.join(top, 'src', 'lib')
    header_area = {}
    sources = []
    for area in sorted(os.listdir(lib)):
        folder = os.path.join(lib, area)
        if not os.path.isdir(folder):
            continue
        if area not in LEVELS:
            print(f'src/lib/{area}/: a folder that is not an area of the layer order')
            return 1
        for name in sorted(os.listdir(folder)):
            if name.endswith('.h'):
                if name in header_area:
                    print(f'{name}: in both {header_area[name]} and {area}')
                    return 1
                header_area[name] = area
            if name.endswith(('.c', '.h')):
                sources.append((area, name))

    problems = []
    edges = 0
    for area, name in sources:
        rel = f'src/lib/{area}/{name}'
        with open(os.path.join(lib, area, name), encoding='utf-8') as f:
            for number, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                kind, target = m.groups()
                where = f'{rel}:{number}'
                if kind == '<':
                    if FORBIDDEN_SYSTEM.match(target):
                        problems.append(f'{where}: includes <{target}> (no GTK in the core)')
                    continue
                if target == 'config.h':
                    continue
                if '/' in target:
                    problems.append(f'{where}: includes "{target}" by path')
                    continue
                owner = header_area.get(target)
                if owner is None:
                    problems.append(f'{where}: includes "{target}", which no area holds')
                    continue
                edges += 1
                if target.endswith('-private.h') and owner != area:
                    problems.append(f'{where}: includes {owner}\'s private "{target}"')
                elif owner != area and LEVELS[owner] >= LEVELS[area]:
                    relation = 'a peer' if LEVELS[owner] == LEVELS[area] else 'a later area'
                    problems.append(f'{where}: {area} includes "{target}" of {owner}, {relation}')

    # Only the gate writes the consent ledger.
    for sub in ('src', 'tests', 'fuzz'):
        for root, _, names in os.walk(os.path.join(top, sub)):
            for name in sorted(names):
                if not name.endswith(('.c', '.h')) or name == LEDGER_HEADER:
                    continue
                path = os.path.join(root, name)
                rel = os.path.relpath(path, top)
                with open(path, encoding='utf-8') as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if (m and os.path.basename(m.group(2)) == LEDGER_HEADER
                                and rel not in LEDGER_INCLUDERS):
                            problems.append(f'{rel}:{number}: includes the ledger writer '
                                            f'"{LEDGER_HEADER}" (go through techo-disclosure.h)')

    # Outside src/lib, nothing reaches for a private header.
    for sub in ('src/app', 'src/cli', 'src/sandbox', 'src/bench', 'tests', 'fuzz'):
        for root, _, names in os.walk(os.path.join(top, sub)):
            for name in names:
                if not name.endswith(('.c', '.h')):
                    continue
                path = os.path.join(root, name)
                with open(path, encoding='utf-8') as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if m and m.group(2).endswith('-private.h') and m.group(2) in header_area:
                            problems.append(f'{os.path.relpath(path, top)}:{number}: '
                                            f'includes the private "{m.group(2)}"')

    for p in problems:
        print(p)
    print(f'{len(sources)} files, {edges} project includes checked, {len(problems)} violations')
    return 1 if problems else 0


def self_test():
    """The check must fail on a tree that breaks the order: formats
    including the store's header, render including a formats-private
    one, and two ways out that bypass the consent gate (the export and
    the app's print including the ledger writer), while the gate itself
    may. Returns 0 when all are caught and the gate is not."""
    import tempfile
    with tempfile.TemporaryDirectory() as top:
        files = {
            'src/lib/records/techo-record-types.h': '#pragma once\n',
            'src/lib/store/techo-store.h': '#include "techo-record-types.h"\n',
            'src/lib/formats/techo-cda-private.h': '#pragma once\n',
            'src/lib/formats/techo-cda.c': '#include "techo-store.h"\n',
            'src/lib/render/techo-report.c': '#include "techo-cda-private.h"\n',
            'src/lib/store/techo-consent-ledger.h': '#pragma once\n',
            'src/lib/share/techo-disclosure.c': '#include "techo-consent-ledger.h"\n',
            'src/lib/share/techo-export.c': '#include "techo-consent-ledger.h"\n',
            'src/app/share/techo-print.c': '#include "techo-consent-ledger.h"\n',
        }
        for path, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(top, path)), exist_ok=True)
            with open(os.path.join(top, path), 'w') as f:
                f.write(text)
        import contextlib
        import io
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = main(top)
        text = out.getvalue()
        ok = (status == 1 and 'formats includes "techo-store.h" of store, a peer' in text
              and 'private "techo-cda-private.h"' in text
              and 'src/lib/share/techo-export.c:1: includes the ledger writer' in text
              and 'src/app/share/techo-print.c:1: includes the ledger writer' in text
              and 'techo-disclosure.c' not in text)
        print('self-test:', 'caught every violation' if ok else 'MISSED:\n' + text)
        return 0 if ok else 1


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == '--self-test':
        sys.exit(self_test())
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else
                  os.path.join(os.path.dirname(__file__), '..')))
