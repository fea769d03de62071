#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The viewer page in a real browser: Debian's Chromium, headless, driven
through the DevTools protocol over a pipe (--remote-debugging-pipe: no
port, no WebSocket library). A real share host serves a real package of
the test store; the test opens the viewer URL a QR would hold, types the
passcode, and reads the patient's name and the latest HbA1c off the page;
then the wrong-passcode, locked, expired and revoked pages. Screenshots at
a phone's size go to meson-logs/screenshots. Prints TAP."""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import importlib.util  # noqa: E402

spec = importlib.util.spec_from_file_location(
    'host_test', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-share-host.py'))
host_test = importlib.util.module_from_spec(spec)
spec.loader.exec_module(host_test)

BUILD = host_test.BUILD
CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
SHOTS = os.path.join(BUILD, 'meson-logs', 'screenshots')
PATIENT_NAME = '山田 花子'
LATEST_HBA1C = '6.6'

results = []


def check(name, ok, detail=''):
    results.append(ok)
    print(('ok' if ok else 'not ok') + f' {len(results)} - {name}' + (f' # {detail}' if detail and not ok else ''),
          flush=True)
    return ok


class Browser:
    """A tiny DevTools client over Chromium's pipe (fd 3 in, fd 4 out)."""

    def __init__(self, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        args = [CHROMIUM, '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync',
                '--disable-extensions', '--disable-dev-shm-usage', '--no-default-browser-check',
                '--user-data-dir=' + profile, '--remote-debugging-pipe', 'about:blank']

        def fds():
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.proc = subprocess.Popen(args, pass_fds=(3, 4), preexec_fn=fds,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b''
        self.next_id = 0
        self.session = None
        targets = self.send('Target.getTargets', session=False)['targetInfos']
        page = [t for t in targets if t['type'] == 'page'][0]
        self.session = self.send('Target.attachToTarget', {'targetId': page['targetId'], 'flatten': True},
                                 session=False)['sessionId']
        self.send('Page.enable')
        self.send('Runtime.enable')

    def send(self, method, params=None, session=True, timeout=20):
        self.next_id += 1
        message = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session and self.session:
            message['sessionId'] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b'\0')
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while b'\0' not in self.buffer:
                chunk = os.read(self.from_chrome, 1 << 20)
                if not chunk:
                    raise RuntimeError('the browser closed its pipe')
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b'\0', 1)
            reply = json.loads(raw)
            if reply.get('id') == self.next_id:
                if 'error' in reply:
                    raise RuntimeError(f'{method}: {reply["error"]}')
                return reply.get('result', {})
        raise TimeoutError(method)

    def eval(self, expression):
        r = self.send('Runtime.evaluate', {'expression': expression, 'returnByValue': True, 'awaitPromise': True})
        return r.get('result', {}).get('value')

    def wait(self, expression, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.eval(expression)
            if value:
                return value
            time.sleep(0.1)
        return None

    def open(self, url):
        self.send('Page.navigate', {'url': 'about:blank'})
        self.wait('document.readyState === "complete" && location.href === "about:blank"')
        self.send('Page.navigate', {'url': url})
        return self.wait('document.readyState === "complete" && !!document.getElementById("status")')

    def type_passcode(self, text):
        self.wait('!document.getElementById("unlock").hidden')
        self.eval('document.getElementById("passcode").focus()')
        self.send('Input.insertText', {'text': text})
        for kind in ('keyDown', 'keyUp'):
            self.send('Input.dispatchKeyEvent', {'type': kind, 'key': 'Enter', 'code': 'Enter',
                                                 'windowsVirtualKeyCode': 13, 'text': '\r' if kind == 'keyDown' else ''})

    def screenshot(self, path, full=True):
        metrics = self.send('Page.getLayoutMetrics')
        height = metrics['cssContentSize']['height'] if full else 844
        self.send('Emulation.setDeviceMetricsOverride',
                  {'width': 390, 'height': int(min(height, 4000)), 'deviceScaleFactor': 1, 'mobile': True})
        data = self.send('Page.captureScreenshot', {'format': 'png'})['data']
        self.send('Emulation.setDeviceMetricsOverride',
                  {'width': 390, 'height': 844, 'deviceScaleFactor': 1, 'mobile': True})
        with open(path, 'wb') as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.send('Browser.close', session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def viewer_url(base, share, key, exp, flag='P', label='Techo'):
    payload = {'url': share['url'], 'key': key, 'exp': exp, 'flag': flag, 'label': label, 'v': 1}
    return f'{base}/#shlink:/' + b64url(json.dumps(payload, separators=(',', ':')).encode())


def state(browser):
    return browser.wait('(() => { const s = document.getElementById("status");'
                        ' return !s.hidden && s.dataset.state ? s.dataset.state + "|" +'
                        ' document.getElementById("state-title").textContent : null })()')


def main():
    if not os.path.exists(CHROMIUM):
        print('1..0 # SKIP chromium is not installed (build-aux/dev installs it)')
        return 0
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix='techo-viewer-')
    os.makedirs(SHOTS, exist_ok=True)
    jwe, key = host_test.make_package(tmp)
    host = host_test.Host(os.path.join(tmp, 'data'))
    browser = None
    try:
        browser = Browser(os.path.join(tmp, 'profile'))
        browser.send('Emulation.setDeviceMetricsOverride',
                     {'width': 390, 'height': 844, 'deviceScaleFactor': 1, 'mobile': True})
        browser.send('Network.setUserAgentOverride', {'userAgent': 'Mozilla/5.0 (Linux; Android 14) Mobile',
                                                      'acceptLanguage': 'ja-JP,ja', 'platform': 'Linux'})
        browser.send('Emulation.setLocaleOverride', {'locale': 'ja-JP'})
        exp = int(time.time()) + 3600

        # The whole way: passcode, manifest, decryption, the record.
        _, share = host.create(jwe, expires_in=3600, passcode='2468', label='Techo')
        browser.open(viewer_url(host.url, share, key, exp))
        check('the page asks for the passcode (flag P)',
              browser.wait('!document.getElementById("unlock").hidden && '
                           'document.getElementById("passcode-label").textContent.includes("パスコード")'))
        browser.type_passcode('2468')
        ready = browser.wait('document.body.dataset.ready === "true"', timeout=20)
        name = browser.eval('document.getElementById("patient-name")?.textContent')
        hba1c = browser.eval('document.querySelector(\'#checkups tr[data-code="3D046000001906202"] td\')?.textContent')
        check("the patient's name is on the page", ready and name == PATIENT_NAME, name)
        check('the latest HbA1c is the first column, with its mark', hba1c is not None and
              hba1c.startswith(LATEST_HBA1C + ' %') and '▲' in hba1c, hba1c)
        kana = browser.eval('document.getElementById("patient-kana")?.textContent')
        check('kana, birth date and sex are shown', kana == 'ヤマダ ハナコ' and
              '1968' in (browser.eval('document.getElementById("birth").textContent') or '') and
              browser.eval('document.getElementById("sex").textContent') == '女性')
        cols = browser.eval('document.querySelectorAll("#checkups thead th").length')
        check('three checkups side by side', cols == 4, cols)
        check('trend sparklines are drawn', (browser.eval('document.querySelectorAll("#trends svg polyline").length') or 0) >= 2)
        warning = browser.eval('document.querySelector("#main .warning")?.textContent') or ''
        check('the duplicate ingredient is warned about', 'アムロジピンベシル酸塩' in warning, warning)
        meds = browser.eval('document.getElementById("medicines")?.textContent') or ''
        check('medicines with dose and days', '1日1回朝食後' in meds and '30日' in meds, meds[:200])
        scr = browser.eval('document.getElementById("screenings")?.textContent') or ''
        check('screenings with the follow-up', '大腸がん検診' in scr and '要精密検査' in scr, scr)
        consent = browser.eval('document.getElementById("consent")?.textContent') or ''
        check('the consent: recipient, purpose, until', 'みなと内科クリニック' in consent and '糖尿病の定期診察' in consent,
              consent)
        browser.screenshot(os.path.join(SHOTS, 'viewer-phone-ja.png'))
        browser.send('Emulation.setEmulatedMedia', {'media': 'print'})
        check('print hides the controls', browser.eval(
            'getComputedStyle(document.querySelector(".bar")).display') == 'none')
        browser.send('Emulation.setEmulatedMedia', {'media': ''})
        _, info = host.json('GET', '/api/shares/' + share['id'], headers=host_test.auth(share['manageToken']))
        check("the host logged the viewer's access", [a['event'] for a in info['accesses']][:1] == ['manifest'], info)

        # Wrong passcode: the attempts left.
        browser.open(viewer_url(host.url, share, key, exp))
        browser.type_passcode('1111')
        err = browser.wait('(() => { const e = document.getElementById("unlock-error");'
                           ' return e.hidden ? null : e.textContent })()')
        check('a wrong passcode says how many tries are left', err is not None and '残り 9 回' in err, err)
        browser.screenshot(os.path.join(SHOTS, 'viewer-phone-wrong-passcode.png'), full=False)

        # Locked: the last try.
        _, last = host.create(jwe, expires_in=3600, passcode='2468', maxAttempts=1)
        browser.open(viewer_url(host.url, last, key, exp))
        browser.type_passcode('0000')
        s = state(browser)
        check('the last wrong try shows the locked page', s is not None and s.startswith('locked|'), s)

        # Revoked: deleted on the host.
        _, gone = host.create(jwe, expires_in=3600, passcode='2468')
        host.request('DELETE', '/api/shares/' + gone['id'], headers=host_test.auth(gone['manageToken']))
        browser.open(viewer_url(host.url, gone, key, exp))
        browser.type_passcode('2468')
        s = state(browser)
        check('a revoked share shows the ended page', s is not None and s.startswith('revoked|'), s)

        # Expired: the link's time has passed (and the host's).
        _, old = host.create(jwe, expires_in=1, passcode='2468')
        time.sleep(1.2)
        browser.open(viewer_url(host.url, old, key, int(time.time()) - 1))
        s = state(browser)
        check('an expired share shows the expired page', s is not None and s.startswith('expired|') and
              '期限切れ' in s, s)
        browser.screenshot(os.path.join(SHOTS, 'viewer-phone-expired.png'), full=False)

        # English, flag U (no passcode), and a damaged key.
        browser.send('Network.setUserAgentOverride', {'userAgent': 'Mozilla/5.0', 'acceptLanguage': 'en-GB,en'})
        browser.send('Emulation.setLocaleOverride', {'locale': 'en-GB'})
        _, direct = host.create(jwe, expires_in=3600, direct=True)
        browser.open(viewer_url(host.url, direct, key, exp, flag='U'))
        ready = browser.wait('document.body.dataset.ready === "true"')
        heading = browser.eval('document.querySelector("#record h2")?.textContent')
        check('flag U opens without a passcode; English follows the browser',
              ready and heading == 'Checkups (latest three)', heading)
        browser.screenshot(os.path.join(SHOTS, 'viewer-phone-en.png'))
        bad_key = ('A' if key[0] != 'A' else 'B') + key[1:]
        browser.open(viewer_url(host.url, direct, bad_key, exp, flag='U'))
        s = state(browser)
        check('a wrong key is refused by the decryption', s is not None and s.startswith('error|') and
              'could not be decrypted' in (browser.eval('document.getElementById("state-text").textContent') or ''), s)
    finally:
        if browser is not None:
            browser.close()
        host.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f'# browser test took {time.monotonic() - t0:.1f} s')
    print(f'1..{len(results)}')
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
