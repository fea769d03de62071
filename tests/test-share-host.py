#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The share host, run as the real program on loopback with real HTTP(S):
every SHL answer, the management API and its tokens, the passcode lock
under 24 parallel requests and across a restart, expiry purge, caps on
bodies, rates and connections, slow clients, keep-alive, TLS, and logs
free of secrets. Prints TAP."""

import base64
import hashlib
import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

BUILD = os.environ.get('TECHO_BUILD_ROOT', '_build')
SOURCE = os.environ.get('TECHO_SOURCE_ROOT', '.')
HOST_EXE = os.path.join(BUILD, 'src', 'share-host', 'techo-share-host')
PACKAGE_EXE = os.path.join(BUILD, 'tests', 'techo-test-shl-package')
VIEWER = os.path.join(SOURCE, 'data', 'viewer')

results = []


def check(name, ok, detail=''):
    results.append((name, bool(ok), detail))
    print(('ok' if ok else 'not ok') + f' {len(results)} - {name}' + (f' # {detail}' if detail and not ok else ''),
          flush=True)
    return ok


class Host:
    def __init__(self, data_dir, *extra, tls=None):
        self.data_dir = data_dir
        self.args = [HOST_EXE, '--port', '0', '--data-dir', data_dir, '--viewer-dir', VIEWER, *extra]
        self.tls = tls
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith('url='):
            raise RuntimeError('no url= line: ' + line + self.log())
        self.url = line.strip()[4:]
        u = urllib.parse.urlsplit(self.url)
        self.host, self.port = u.hostname, u.port

    def log(self):
        self.stderr.seek(0)
        return self.stderr.read().decode('utf-8', 'replace')

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        self.proc.wait(10)

    def conn(self, source='127.0.0.1', timeout=10):
        if self.tls is not None:
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=self.tls,
                                               source_address=(source, 0))
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout, source_address=(source, 0))

    def request(self, method, path, body=None, headers=None, source='127.0.0.1'):
        if path.startswith('http'):
            path = urllib.parse.urlsplit(path)._replace(scheme='', netloc='').geturl()
        c = self.conn(source)
        h = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            h.setdefault('Content-Type', 'application/json')
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data, r

    def json(self, method, path, body=None, headers=None, source='127.0.0.1'):
        status, data, _ = self.request(method, path, body, headers, source)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, data

    def create(self, jwe, expires_in=600, **fields):
        body = {'jwe': jwe, 'expiresAt': int(time.time()) + expires_in}
        body.update(fields)
        return self.json('POST', '/api/shares', body)


def auth(token):
    return {'Authorization': 'Bearer ' + token}


def make_package(tmp):
    jwe_path = os.path.join(tmp, 'p.jwe')
    out = subprocess.run([PACKAGE_EXE, jwe_path], capture_output=True, text=True, check=True).stdout
    key = [l[4:] for l in out.splitlines() if l.startswith('key=')][0]
    with open(jwe_path) as f:
        return f.read(), key


def folder_text(path):
    text = b''
    for root, _, files in os.walk(path):
        for name in files:
            with open(os.path.join(root, name), 'rb') as f:
                text += name.encode() + b'\n' + f.read()
    return text


def main():
    tmp = tempfile.mkdtemp(prefix='techo-share-host-')
    jwe, key = make_package(tmp)
    data = os.path.join(tmp, 'data')
    secrets = []
    host = Host(data, '--max-connections', '64', '--max-connections-per-address', '8',
                '--request-timeout', '6', '--requests-per-minute', '300')
    try:
        # --- the viewer and plain answers ---------------------------------
        status, body, r = host.request('GET', '/')
        check('viewer page served at the base URL', status == 200 and b'viewer.js' in body and
              "script-src 'self'" in (r.getheader('Content-Security-Policy') or ''))
        status, body, r = host.request('GET', '/viewer.js')
        check('viewer script served', status == 200 and b'AES-GCM' in body)
        check('every answer closes its connection', (r.getheader('Connection') or '').lower() == 'close')
        status, _, _ = host.request('GET', '/../../etc/passwd')
        check('other paths are 404', status == 404)

        # --- create and the SHL answers -----------------------------------
        status, created = host.create(jwe, passcode='2468', label='Techo test')
        check('create answers 201 with id, url and a management token',
              status == 201 and created['url'].startswith(host.url + '/shl/') and
              len(created['manageToken']) == 43 and created['remainingAttempts'] == 10, created)
        url, token, sid = created['url'], created['manageToken'], created['id']
        secrets += [token, url.rsplit('/', 1)[1], '2468']
        stored = folder_text(data)
        check('the data folder holds the ciphertext, not the passcode or tokens',
              jwe.encode() in stored and b'2468' not in stored and token.encode() not in stored and
              url.rsplit('/', 1)[1].encode() not in stored and b'scrypt$' in stored)
        check('the link URL fits the SHL limit of 128 characters', len(url) <= 128)

        status, _ = host.json('POST', url, {'passcode': '2468'})
        check('manifest without recipient: 400', status == 400)
        status, _ = host.json('POST', url, b'{not json')
        check('manifest with a broken body: 400', status == 400)
        status, body = host.json('POST', url, {'recipient': 'Dr A', 'passcode': '1111'})
        check('wrong passcode: 401 with remainingAttempts 9', status == 401 and body == {'remainingAttempts': 9}, body)
        status, body = host.json('POST', url, {'recipient': 'Dr A'})
        check('no passcode: 401, not counted', status == 401 and body == {'remainingAttempts': 9}, body)
        status, body = host.json('POST', url, {'recipient': 'Dr A', 'passcode': '2468'})
        loc = body['files'][0].get('location') if status == 200 else None
        check('right passcode: manifest with a location file', status == 200 and loc and
              body['files'][0]['contentType'] == 'application/fhir+json', body)
        status, file_body, r = host.request('GET', loc)
        check('location serves the JWE as uploaded', status == 200 and file_body.decode() == jwe and
              r.getheader('Content-Type') == 'application/jose')
        status, body = host.json('POST', url, {'recipient': 'Dr A', 'passcode': '2468', 'embeddedLengthMax': 10 ** 7})
        check('embeddedLengthMax large enough: the JWE embedded', status == 200 and body['files'][0].get('embedded') == jwe)
        status, body = host.json('POST', url, {'recipient': 'Dr A', 'passcode': '2468', 'embeddedLengthMax': 10})
        check('embeddedLengthMax too small: a location', status == 200 and 'location' in body['files'][0])
        status, _, _ = host.request('GET', url)
        check('GET of a passcode share is refused', status == 405)

        # --- management API --------------------------------------------------
        status, _ = host.json('GET', '/api/shares/' + sid)
        check('management without a token: 404', status == 404)
        status, _ = host.json('GET', '/api/shares/' + sid, headers=auth('x' * 43))
        check('management with a wrong token: 404', status == 404)
        status, _ = host.json('GET', '/api/shares/' + sid, headers=auth(token + 'x'))
        check('management with a longer token: 404', status == 404)
        status, info = host.json('GET', '/api/shares/' + sid, headers=auth(token))
        events = [a['event'] for a in info.get('accesses', [])] if status == 200 else []
        check('management with the token: the accesses and the denied count',
              status == 200 and events.count('manifest') == 3 and events.count('file') == 1 and
              info['denied']['wrongPasscode'] == 1 and info['remainingAttempts'] == 9 and
              info['accesses'][0]['recipient'] == 'Dr A', info)
        status, other = host.create(jwe)
        status, _, _ = host.request('PUT', f'/api/shares/{sid}/file', jwe, auth(other['manageToken']))
        check("another share's token cannot replace this file", status == 404)
        jwe2 = jwe[:-4] + ('AAAA' if not jwe.endswith('AAAA') else 'BBBB')
        status, _, _ = host.request('PUT', f'/api/shares/{sid}/file', 'not a jwe', auth(token))
        check('replacing with something not a JWE: 400', status == 400)
        status, _, _ = host.request('PUT', f'/api/shares/{sid}/file', jwe2, auth(token))
        _, body = host.json('POST', url, {'recipient': 'Dr A', 'passcode': '2468', 'embeddedLengthMax': 10 ** 7})
        check('replace the file: 204, then the new file is served', status == 204 and body['files'][0]['embedded'] == jwe2)

        status, _ = host.create(jwe, passcode='1', direct=True)
        check('a passcode with flag U is refused', status == 400)
        status, _ = host.create(jwe, expires_in=-5)
        check('an expiry in the past is refused', status == 400)
        status, _ = host.create('eyJhbGciOiJub25lIn0..a.b.c')
        check('a JWE that is not dir/A256GCM is refused', status == 400)

        # a hash made elsewhere (here by Python's scrypt) is honoured; a costly one refused
        salt = os.urandom(16)
        digest = hashlib.scrypt(b'5555', salt=salt, n=1 << 14, r=8, p=1, maxmem=64 << 20, dklen=32)
        b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b'=').decode()
        status, hashed = host.create(jwe, passcodeHash=f'scrypt$14$8$1${b64(salt)}${b64(digest)}')
        ok = status == 201
        if ok:
            s1, _ = host.json('POST', hashed['url'], {'recipient': 'r', 'passcode': '5556'})
            s2, _ = host.json('POST', hashed['url'], {'recipient': 'r', 'passcode': '5555'})
            ok = s1 == 401 and s2 == 200
        check('a passcodeHash made elsewhere checks the right passcode only', ok)
        status, _ = host.create(jwe, passcodeHash=f'scrypt$20$8$1${b64(salt)}${b64(digest)}')
        check('a passcodeHash too costly to check is refused', status == 400)

        # --- flag U --------------------------------------------------------------
        status, direct = host.create(jwe, direct=True)
        status, body, r = host.request('GET', direct['url'] + '?recipient=Dr%20B')
        check('flag U: GET with recipient returns the JWE', status == 200 and body.decode() == jwe and
              r.getheader('Access-Control-Allow-Origin') == '*')
        status, _, _ = host.request('GET', direct['url'])
        check('flag U: GET without recipient is 400', status == 400)

        # --- delete ---------------------------------------------------------------
        status, _, _ = host.request('DELETE', '/api/shares/' + direct['id'], headers=auth(token))
        check('delete with a wrong token: 404, share still served', status == 404 and
              host.request('GET', direct['url'] + '?recipient=x')[0] == 200)
        status, _, _ = host.request('DELETE', '/api/shares/' + direct['id'], headers=auth(direct['manageToken']))
        check('delete with its token: 204, then 404 at once', status == 204 and
              host.request('GET', direct['url'] + '?recipient=x')[0] == 404 and
              not os.path.exists(os.path.join(data, 'shares', direct['id'] + '.jwe')))

        # --- the lock under 24 parallel requests -----------------------------------
        status, locked = host.create(jwe, passcode='9999')
        answers = []
        lock = threading.Lock()

        def guess(i):
            s, b = host.json('POST', locked['url'], {'recipient': f'guess {i}', 'passcode': f'{i:04d}'},
                             source=f'127.0.1.{i + 1}')
            with lock:
                answers.append((s, b))

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(24)]
        t0 = time.monotonic()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.monotonic() - t0
        check('24 parallel wrong passcodes: none succeeds, each is answered 401 or 404',
              len(answers) == 24 and all(s in (401, 404) for s, _ in answers), answers)
        status, _ = host.json('POST', locked['url'], {'recipient': 'x', 'passcode': '9999'})
        with open(os.path.join(data, 'shares', locked['id'] + '.json')) as f:
            meta = json.load(f)
        check('after 10 wrong passcodes the share has ended: 404 even with the right one, ciphertext deleted',
              status == 404 and meta['state'] == 'locked' and meta['remainingAttempts'] == 0 and
              meta['denied']['wrongPasscode'] == 24 and not os.path.exists(os.path.join(data, 'shares', locked['id'] + '.jwe')))
        print(f'# 24 parallel passcode checks took {elapsed:.2f} s', flush=True)

        # --- caps -----------------------------------------------------------------------
        status, _, _ = host.request('POST', url, 'x' * (17 * 1024), {'Content-Type': 'application/json'})
        check('an SHL body over 16 KiB: 413', status == 413)
        c = host.conn()
        c.putrequest('POST', urllib.parse.urlsplit(url).path)
        c.putheader('Transfer-Encoding', 'chunked')
        c.endheaders()
        c.send(b'5\r\nhello\r\n0\r\n\r\n')
        r = c.getresponse()
        check('a chunked body: 411', r.status == 411)
        c.close()
        c = host.conn()
        c.putrequest('POST', '/api/shares')
        c.putheader('Content-Length', str(9 * 1024 * 1024))
        c.endheaders()
        r = c.getresponse()
        check('an upload over 8 MiB is refused before its body is read', r.status == 413)
        c.close()
        codes = [host.request('GET', '/viewer.css', source='127.0.0.5')[0] for _ in range(330)]
        check('requests per address are rate limited (429)', codes.count(429) >= 20 and codes[0] == 200,
              f'{codes.count(429)} of 330')
        check('another address is not limited by it', host.request('GET', '/viewer.css', source='127.0.0.6')[0] == 200)

        # keep-alive cannot pile connections up: the host closes after each answer
        s = socket.create_connection((host.host, host.port))
        s.sendall(b'GET /viewer.css HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n')
        got = b''
        s.settimeout(5)
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        except socket.timeout:
            pass
        check('a keep-alive request is answered and the connection closed by the host',
              got.startswith(b'HTTP/1.1 200') and len(got) > 100, got[:80])
        s.close()

        # keep-alive clients that never close: the host's descriptors stay bounded
        kept = []
        for i in range(400):
            sk = socket.socket()
            sk.bind((f'127.0.3.{i % 50 + 1}', 0))
            sk.connect((host.host, host.port))
            sk.sendall(b'GET /viewer.css HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n')
            kept.append(sk)
            if len(kept) % 50 == 0:
                time.sleep(0.05)
        answered = 0
        for sk in kept:
            sk.settimeout(5)
            try:
                answered += sk.recv(12).startswith(b'HTTP/1.1 ')
            except OSError:
                pass
        time.sleep(0.5)
        fds = len(os.listdir(f'/proc/{host.proc.pid}/fd'))
        check('400 keep-alive clients that never close: the host keeps few descriptors',
              fds < 40 and answered >= 300, f'{fds} open, {answered} answered')
        print(f'# after 400 unclosed keep-alive requests the host had {fds} descriptors ({answered} answered)',
              flush=True)
        for sk in kept:
            sk.close()

        # --- slow clients --------------------------------------------------------------
        slow = []
        refused = 0
        for i in range(300):
            try:
                sk = socket.socket()
                sk.bind((f'127.0.2.{i % 40 + 1}', 0))
                sk.connect((host.host, host.port))
                sk.sendall(b'POST /shl/x HTTP/1.1\r\nHost: x\r\n')
                slow.append(sk)
            except OSError:
                refused += 1
        t0 = time.monotonic()
        served = 0
        for _ in range(5):
            try:
                if host.request('GET', '/viewer.css', source='127.0.0.7')[0] == 200:
                    served += 1
            except OSError:
                pass
        took = time.monotonic() - t0
        fds = len(os.listdir(f'/proc/{host.proc.pid}/fd'))
        check('300 half-open connections: a legitimate client is still served',
              served == 5 and took < 10, f'{served}/5 in {took:.1f} s')
        check('the host holds a bounded number of descriptors', fds < 64 + 40, f'{fds} open')
        print(f'# 5 requests beside 300 half-open connections took {took:.2f} s; host had {fds} descriptors',
              flush=True)
        time.sleep(7.5)
        closed = 0
        for sk in slow:
            sk.settimeout(0.2)
            try:
                if sk.recv(100) == b'':
                    closed += 1
            except (socket.timeout, ConnectionResetError):
                closed += 1 if not isinstance(sys.exc_info()[1], socket.timeout) else 0
            sk.close()
        check('half-open connections are closed at the deadline', closed == len(slow), f'{closed}/{len(slow)}')

        # --- restart: the lock and the shares survive; expiry purge ------------------
        status, kept = host.create(jwe, passcode='1357')
        for p in ('0001', '0002', '0003'):
            host.json('POST', kept['url'], {'recipient': 'r', 'passcode': p})
        status, short = host.create(jwe, expires_in=2)
        host.stop(signal.SIGKILL)
        time.sleep(2.2)
        host = Host(data, '--request-timeout', '3')
        kept_url = kept['url'].replace(urllib.parse.urlsplit(kept['url']).netloc, f'{host.host}:{host.port}')
        status, body = host.json('POST', kept_url, {'recipient': 'r', 'passcode': '0004'})
        check('after a restart the wrong tries still count (6 left)',
              status == 401 and body == {'remainingAttempts': 6}, body)
        status, body = host.json('POST', kept_url, {'recipient': 'r', 'passcode': '1357', 'embeddedLengthMax': 10 ** 7})
        check('after a restart the share is served', status == 200 and body['files'][0]['embedded'] == jwe)
        check('an expired share is purged at start (files gone)',
              not os.path.exists(os.path.join(data, 'shares', short['id'] + '.jwe')) and
              not os.path.exists(os.path.join(data, 'shares', short['id'] + '.json')))
        status, short2 = host.create(jwe, expires_in=1)
        time.sleep(1.5)
        short_url = short2['url']
        check('a share past its expiry answers 404', host.json('POST', short_url, {'recipient': 'r'})[0] == 404)

        # --- logs ---------------------------------------------------------------------
        log = host.log() + '\n'
        check('the log names no token, passcode or recipient',
              not any(s in log for s in secrets + ['Dr A', 'guess 1', '1357', kept['manageToken']]),
              log[-400:])
        host.stop()

        # --- refusals at start -----------------------------------------------------------
        p = subprocess.run([HOST_EXE, '--bind', '0.0.0.0', '--port', '0', '--data-dir', data,
                            '--viewer-dir', VIEWER], capture_output=True, text=True, timeout=10)
        check('a non-loopback bind without TLS is refused', p.returncode == 1 and 'TLS' in p.stderr, p.stderr)
        p = subprocess.run([HOST_EXE, '--bind', '0.0.0.0', '--port', '0', '--data-dir', data, '--insecure-lan',
                            '--viewer-dir', VIEWER], capture_output=True, text=True, timeout=10)
        check('a wildcard bind needs --public-url', p.returncode == 1 and '--public-url' in p.stderr, p.stderr)
        p = subprocess.run([HOST_EXE, '--data-dir', '', '--viewer-dir', VIEWER], capture_output=True, text=True,
                           timeout=10)
        check('an empty --data-dir is refused', p.returncode == 1 and 'data folder' in p.stderr, p.stderr)

        # --- TLS -------------------------------------------------------------------------
        cert, tls_key = os.path.join(tmp, 'cert.pem'), os.path.join(tmp, 'key.pem')
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
                        '-nodes', '-keyout', tls_key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
                        '-addext', 'subjectAltName=IP:127.0.0.1'], check=True, capture_output=True)
        ctx = ssl.create_default_context(cafile=cert)
        host = Host(data, '--tls-cert', cert, '--tls-key', tls_key, tls=ctx)
        check('with a certificate the base URL is https', host.url.startswith('https://127.0.0.1:'))
        status, tshare = host.create(jwe, passcode='4321')
        status, body = host.json('POST', tshare['url'], {'recipient': 'r', 'passcode': '4321', 'embeddedLengthMax': 10 ** 7})
        check('TLS: create and manifest work, verified against the test certificate',
              status == 200 and body['files'][0]['embedded'] == jwe)
        raw = socket.create_connection((host.host, host.port))
        raw.sendall(b'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
        raw.settimeout(5)
        try:
            plain = raw.recv(100)
        except (socket.timeout, ConnectionResetError):
            plain = b''
        raw.close()
        check('TLS: plain HTTP gets no page', not plain.startswith(b'HTTP/1.1 200'))
        host.stop()
    finally:
        if host.proc.poll() is None:
            host.stop(signal.SIGKILL)
        subprocess.run(['rm', '-rf', tmp])

    print(f'1..{len(results)}')
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
