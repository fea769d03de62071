#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""techo-cli against an OpenID provider no one here wrote: the npm package
oidc-provider (tests/oidc/, installed by `build-aux/dev` with `npm ci`),
run on loopback with a native public client, PKCE required, scopes
"openid offline_access" and no profile resource of a portal. The browser
step is oidc-provider's own login and consent pages, filled in by
tests/oidc/browse.mjs. Login must take the person from the checked ID
token (RS256, then ES256 for a second client), keep the session in the
keyring, and logout must revoke it at the provider. Prints TAP.

Skips (exit 77) only when tests/oidc/node_modules is absent, naming the
command that installs it; `build-aux/dev test` always installs it."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

BUILD = os.environ.get('TECHO_BUILD_ROOT', '_build')
SOURCE = os.environ.get('TECHO_SOURCE_ROOT', '.')
CLI = os.path.join(BUILD, 'src', 'cli', 'techo-cli')
OIDC = os.path.join(SOURCE, 'tests', 'oidc')
NODE = shutil.which('node')

results = []


def check(name, ok, detail=''):
    results.append(ok)
    print(('ok' if ok else 'not ok') + f' {len(results)} - {name}'
          + (f' # {detail}' if detail and not ok else ''), flush=True)
    return ok


class Provider:
    def __init__(self):
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([NODE, os.path.join(OIDC, 'provider.mjs'), '0'],
                                     stdout=subprocess.PIPE, stderr=self.stderr,
                                     stdin=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith('issuer='):
            self.stderr.seek(0)
            raise RuntimeError('oidc-provider did not start: ' + line
                               + self.stderr.read().decode('utf-8', 'replace'))
        self.issuer = line.strip()[len('issuer='):]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def cli(data_dir, *args, timeout=60):
    return subprocess.run([CLI, '--data-dir', data_dir, *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def login(provider, data_dir, account, *extra):
    """techo-cli login --no-browser; the printed address goes to browse.mjs."""
    proc = subprocess.Popen([CLI, '--data-dir', data_dir, 'login', '--issuer', provider.issuer,
                             '--scope', 'openid offline_access', '--no-browser', '--timeout', '60',
                             *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    url = proc.stdout.readline().strip()
    browse = subprocess.run([NODE, os.path.join(OIDC, 'browse.mjs'), url, account],
                            capture_output=True, text=True, timeout=60)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return proc.returncode, url, out, err, browse


def main():
    if NODE is None or not os.path.isdir(os.path.join(OIDC, 'node_modules', 'oidc-provider')):
        if os.environ.get('CI'):
            # CI runs build-aux/dev, which installs it: missing is a failure.
            print('not ok 1 - oidc-provider is installed (npm ci in tests/oidc)\n1..1')
            return 1
        print('1..0 # SKIP oidc-provider is not installed: run build-aux/dev build '
              '(npm ci in tests/oidc)')
        return 77
    provider = Provider()
    data = tempfile.mkdtemp(prefix='techo-oidc-')
    try:
        # 1. RS256, the default client.
        d1 = os.path.join(data, 'one')
        code, url, out, err, browse = login(provider, d1, 'alice')
        check('the authorization URL asks for PKCE S256, a nonce and consent',
              'code_challenge_method=S256' in url and 'nonce=' in url
              and 'prompt=consent' in url and 'scope=openid' in url, url)
        check('the browser step at oidc-provider completed', browse.returncode == 0,
              browse.stderr[-300:])
        check('login succeeds (exit 0)', code == 0, f'exit {code}: {err[-500:]}')
        check('login names the provider', f'Signed in to {provider.issuer}' in out, out + err)
        check('no profile resource was needed', 'profile' not in err.lower(), err[-300:])
        check('the person is the ID token\'s subject, named by userinfo',
              'Signed in as Test alice (subject alice).' in out, out)
        status = cli(d1, 'status')
        check('status shows the sign-in', status.returncode == 0
              and provider.issuer in status.stdout, status.stdout + status.stderr)
        check('one profile, the ID token\'s subject', 'Profiles:' in status.stdout
              and '1' in status.stdout.split('Profiles:')[1].split('\n')[0], status.stdout)
        audit = cli(d1, 'status', '--audit') if '--audit' in cli(d1, 'status', '--help').stdout \
            else None
        if audit is not None:
            check('the audit log records the sign-in', 'sign-in' in audit.stdout,
                  audit.stdout[-300:])
        out2 = cli(d1, 'logout')
        check('logout revokes the grant at oidc-provider', out2.returncode == 0
              and 'revoked' in out2.stdout, out2.stdout + out2.stderr)
        status = cli(d1, 'status')
        check('signed out afterwards', 'Signed in:' in status.stdout
              and status.stdout.split('Signed in:')[1].split('\n')[0].strip() == 'no',
              status.stdout)

        # 2. ES256, a second client registered for it.
        d2 = os.path.join(data, 'two')
        code, url, out, err, browse = login(provider, d2, 'bob', '--client-id', 'techo-es256')
        check('an ES256-signed ID token is accepted', code == 0 and browse.returncode == 0,
              f'exit {code}: {err[-500:]} {browse.stderr[-200:]}')

        # 3. A client the provider does not know: a clear refusal, no sign-in.
        d3 = os.path.join(data, 'three')
        proc = subprocess.run([CLI, '--data-dir', d3, 'login', '--issuer', provider.issuer,
                               '--scope', 'openid offline_access', '--no-browser', '--timeout', '3',
                               '--client-id', 'nobody'], capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
        check('an unknown client ends without a sign-in', proc.returncode != 0
              and 'Signed in' not in proc.stdout, proc.stdout + proc.stderr)
    finally:
        provider.stop()
        shutil.rmtree(data, ignore_errors=True)
    print(f'1..{len(results)}')
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
