// SPDX-License-Identifier: GPL-3.0-or-later
// The Techo share viewer. Reads the SMART Health Link in the fragment,
// fetches the manifest (with the passcode when the link has flag P) or the
// file (flag U), decrypts the JWE here with WebCrypto (dir, A256GCM,
// zip DEF) and shows Techo's FHIR bundle for a doctor. Nothing is stored;
// every text from the bundle goes into the page as text, never as markup.
'use strict';

const JA = (navigator.languages || [navigator.language || 'en'])
  .some((l) => String(l).toLowerCase().startsWith('ja'));

const T = {
  loading: ['Opening the share…', '共有を開いています…'],
  decrypting: ['Decrypting…', '復号しています…'],
  unlockTitle: ['Health records shared with you', 'あなたに共有された健康記録'],
  passcode: ['Passcode (from the patient)', 'パスコード（患者さんからお聞きください）'],
  recipient: ['Your name or clinic (kept in the patient\'s access log)',
    'お名前・医療機関名（患者さんの閲覧記録に残ります）'],
  open: ['Open', '開く'],
  print: ['Print', '印刷'],
  wrong: ['Wrong passcode. Attempts left: %d', 'パスコードが違います。残り %d 回'],
  needPasscode: ['Enter the passcode.', 'パスコードを入力してください。'],
  lockedTitle: ['This share is locked', 'この共有はロックされました'],
  lockedText: ['Too many wrong passcodes were tried, so the records were deleted from the host. Ask the patient to share again.',
    'パスコードの誤りが続いたため、記録は共有サーバーから削除されました。患者さんにもう一度共有してもらってください。'],
  expiredTitle: ['This share has expired', 'この共有は期限切れです'],
  expiredText: ['The patient shared these records until %s. Ask the patient for a new link.',
    '患者さんが設定した期限（%s）を過ぎました。新しいリンクを患者さんにお尋ねください。'],
  revokedTitle: ['This share has ended', 'この共有は終了しました'],
  revokedText: ['The patient stopped sharing, or the link is not known to this host.',
    '患者さんが共有を停止したか、このサーバーにはないリンクです。'],
  noLinkTitle: ['No share link', '共有リンクがありません'],
  noLinkText: ['Open this page from the QR code or the link the patient gave you.',
    '患者さんから受け取ったQRコードまたはリンクから開いてください。'],
  badLink: ['This link is damaged or not a SMART Health Link.', 'このリンクは壊れているか、SMART Health Link ではありません。'],
  insecure: ['This page must be opened over HTTPS (or on this computer) to decrypt.',
    '復号には HTTPS（またはこのコンピューター上）で開く必要があります。'],
  busy: ['Too many requests. Wait a minute and try again.', '要求が多すぎます。1分ほど待ってからもう一度お試しください。'],
  failed: ['The share could not be opened: %s', '共有を開けませんでした: %s'],
  decryptFailed: ['The records could not be decrypted (the link is not complete, or the file was changed).',
    '記録を復号できませんでした（リンクが欠けているか、ファイルが変更されています）。'],
  sharedWith: ['Shared with', '共有先'],
  purpose: ['Purpose', '目的'],
  until: ['Until', '期限'],
  label: ['Label', 'ラベル'],
  born: ['Born %s (%d)', '%s生（%d歳）'],
  male: ['Male', '男性'], female: ['Female', '女性'], other: ['Other', 'その他'], unknown: ['Unknown', '不明'],
  checkups: ['Checkups (latest three)', '健診結果（直近3回）'],
  item: ['Item', '項目'],
  legend: ['△ above the guidance level · ▲ above the level to see a doctor',
    '△ 保健指導判定値以上 ・ ▲ 受診勧奨判定値以上'],
  trends: ['Trends', '経年変化'],
  medicines: ['Medicines', 'お薬'],
  medicine: ['Medicine', '薬剤'],
  dose: ['Dose', '用量・用法'],
  days: ['Days', '日数'],
  dispensed: ['Dispensed', '調剤日'],
  prescriber: ['Prescribed by', '処方元'],
  current: ['current', '服用中'],
  noCurrent: ['None is current today; the most recent are shown.', '本日時点で服用中の薬はありません。最近の調剤を表示しています。'],
  duplicate: ['Same ingredient from more than one prescriber at overlapping times: %s',
    '同じ成分の薬が複数の処方元から重なる期間に出ています: %s'],
  allergies: ['Allergies and side effects', 'アレルギー・副作用'],
  screenings: ['Cancer screenings', 'がん検診'],
  date: ['Date', '日付'],
  screening: ['Screening', '検診'],
  result: ['Result', '結果'],
  followUp: ['follow-up needed', '要精密検査'],
  none: ['None recorded.', '記録はありません。'],
  note: ['Decrypted in this browser; nothing was kept on this device.',
    'このブラウザー内で復号しました。この端末には何も保存していません。'],
  years: ['', '歳'],
};

function t (key, ...args) {
  let s = T[key][JA ? 1 : 0];
  for (const a of args)
    s = s.replace(/%[sd]/, String(a));
  return s;
}

const $ = (id) => document.getElementById(id);

function el (tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class')
      e.className = v;
    else
      e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined)
      continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// ---- the link and the crypto ------------------------------------------

function b64urlToBytes (s) {
  if (!/^[A-Za-z0-9_-]*$/.test(s))
    throw new Error('base64url');
  s = s.replace(/-/g, '+').replace(/_/g, '/');
  while (s.length % 4)
    s += '=';
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++)
    out[i] = bin.charCodeAt(i);
  return out;
}

function parseLink (hash) {
  const i = hash.indexOf('shlink:/');
  if (i < 0)
    return null;
  const payload = JSON.parse(new TextDecoder().decode(b64urlToBytes(hash.slice(i + 8))));
  if (typeof payload.url !== 'string' || typeof payload.key !== 'string' ||
      payload.key.length !== 43 || !/^https?:\/\//.test(payload.url))
    throw new Error('payload');
  return payload;
}

async function inflateRaw (bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function decryptJwe (jwe, keyB64) {
  const parts = jwe.trim().split('.');
  if (parts.length !== 5 || parts[1] !== '')
    throw new Error('jwe');
  const header = JSON.parse(new TextDecoder().decode(b64urlToBytes(parts[0])));
  if (header.alg !== 'dir' || header.enc !== 'A256GCM')
    throw new Error('jwe');
  const key = await crypto.subtle.importKey('raw', b64urlToBytes(keyB64), 'AES-GCM', false, ['decrypt']);
  const ct = b64urlToBytes(parts[3]);
  const tag = b64urlToBytes(parts[4]);
  const data = new Uint8Array(ct.length + tag.length);
  data.set(ct);
  data.set(tag, ct.length);
  let plain = new Uint8Array(await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: b64urlToBytes(parts[2]), additionalData: new TextEncoder().encode(parts[0]), tagLength: 128 },
    key, data));
  if (header.zip === 'DEF')
    plain = await inflateRaw(plain);
  return JSON.parse(new TextDecoder().decode(plain));
}

// ---- pages -------------------------------------------------------------

function showStatus (text) {
  $('status').hidden = false;
  $('status-text').textContent = text;
}

// A padlock or a clock, drawn here (no icon font, nothing fetched).
function stateIcon (locked) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 48 48');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  const shapes = locked
    ? [['rect', { x: 10, y: 21, width: 28, height: 21, rx: 3 }], ['path', { d: 'M16 21v-6a8 8 0 0 1 16 0v6' }]]
    : [['circle', { cx: 24, cy: 24, r: 17 }], ['path', { d: 'M24 13v11l7 5' }]];
  for (const [tag, attrs] of shapes) {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs))
      e.setAttribute(k, v);
    svg.append(e);
  }
  return svg;
}

function showState (kind, title, text) {
  $('unlock').hidden = true;
  $('record').hidden = true;
  const s = $('status');
  s.hidden = false;
  s.className = 'card state ' + (kind === 'ok' ? '' : 'bad');
  s.dataset.state = kind;
  s.replaceChildren(stateIcon(kind === 'locked'),
    el('h1', { id: 'state-title' }, title), el('p', { id: 'state-text' }, text));
}

function formatDate (iso) {
  if (!iso)
    return '';
  const d = new Date(iso.length === 10 ? iso + 'T00:00:00' : iso);
  if (isNaN(d))
    return iso;
  return d.toLocaleDateString(JA ? 'ja-JP' : 'en-GB', { year: 'numeric', month: 'short', day: 'numeric' });
}

function formatShortDate (iso) {
  const d = new Date(String(iso).length === 10 ? iso + 'T00:00:00' : iso);
  if (isNaN(d))
    return iso || '';
  return d.toLocaleDateString(JA ? 'ja-JP' : 'en-GB', { year: 'numeric', month: 'numeric', day: 'numeric' });
}

function formatDateTime (seconds) {
  const d = new Date(seconds * 1000);
  return d.toLocaleString(JA ? 'ja-JP' : 'en-GB', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

// ---- fetching ------------------------------------------------------------

let link = null;

async function fetchFile (passcode, recipient) {
  const flags = link.flag || '';
  if (flags.includes('U')) {
    const u = new URL(link.url);
    u.searchParams.set('recipient', recipient);
    const r = await fetch(u, { cache: 'no-store', referrerPolicy: 'no-referrer' });
    return { status: r.status, body: r.ok ? await r.text() : null };
  }
  const body = { recipient, embeddedLengthMax: 4000000 };
  if (flags.includes('P'))
    body.passcode = passcode;
  const r = await fetch(link.url, {
    method: 'POST', cache: 'no-store', referrerPolicy: 'no-referrer',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  if (r.status === 401) {
    const j = await r.json().catch(() => ({}));
    return { status: 401, remaining: typeof j.remainingAttempts === 'number' ? j.remainingAttempts : null };
  }
  if (!r.ok)
    return { status: r.status };
  const manifest = await r.json();
  const file = (manifest.files || []).find((f) => f.contentType === 'application/fhir+json') || (manifest.files || [])[0];
  if (!file)
    throw new Error('empty manifest');
  if (typeof file.embedded === 'string')
    return { status: 200, body: file.embedded };
  const f = await fetch(file.location, { cache: 'no-store', referrerPolicy: 'no-referrer' });
  return { status: f.status, body: f.ok ? await f.text() : null };
}

function ended () {
  if (link.exp && link.exp * 1000 <= Date.now())
    showState('expired', t('expiredTitle'), t('expiredText', formatDateTime(link.exp)));
  else
    showState('revoked', t('revokedTitle'), t('revokedText'));
}

async function open (passcode) {
  const recipient = ($('recipient').value || '').trim() || (JA ? '共有ビューアー' : 'Techo viewer');
  let result;
  try {
    result = await fetchFile(passcode, recipient);
  } catch (e) {
    showState('error', t('failed', ''), String(e.message || e));
    return;
  }
  if (result.status === 401) {
    if (result.remaining === 0) {
      showState('locked', t('lockedTitle'), t('lockedText'));
      return;
    }
    const err = $('unlock-error');
    err.hidden = false;
    err.textContent = t('wrong', result.remaining === null ? '?' : result.remaining);
    $('passcode').value = '';
    $('passcode').focus();
    $('open').disabled = false;
    return;
  }
  if (result.status === 404) {
    ended();
    return;
  }
  if (result.status === 429) {
    showState('busy', t('failed', ''), t('busy'));
    return;
  }
  if (result.status !== 200 || !result.body) {
    showState('error', t('failed', 'HTTP ' + result.status), '');
    return;
  }
  showStatus(t('decrypting'));
  let bundle;
  try {
    bundle = await decryptJwe(result.body, link.key);
  } catch (e) {
    showState('error', t('failed', ''), t('decryptFailed'));
    return;
  }
  $('unlock').hidden = true;
  $('status').hidden = true;
  render(bundle);
}

// ---- the bundle ------------------------------------------------------------

function ext (resource, name) {
  const url = 'https://techo.org/fhir/StructureDefinition/' + name;
  return (resource.extension || []).find((e) => e.url === url);
}

function extValue (resource, name) {
  const e = ext(resource, name);
  if (!e)
    return undefined;
  for (const k of Object.keys(e))
    if (k.startsWith('value'))
      return e[k];
  return undefined;
}

function conceptText (c) {
  if (!c)
    return '';
  if (c.text)
    return c.text;
  const coding = (c.coding || []).find((x) => x.display) || (c.coding || [])[0];
  return coding ? (coding.display || coding.code || '') : '';
}

function codeOf (c) {
  const coding = (c && c.coding || [])[0];
  return coding ? coding.code : '';
}

function numberText (v) {
  if (typeof v !== 'number')
    return String(v);
  return String(Math.round(v * 1000) / 1000);
}

function obsValue (o) {
  if (o.valueQuantity) {
    const q = o.valueQuantity;
    const original = q._value && (q._value.extension || []).find((e) => /original-text$/.test(e.url));
    return { text: original ? original.valueString : numberText(q.value), unit: q.unit || '', number: q.value };
  }
  if (o.valueCodeableConcept)
    return { text: conceptText(o.valueCodeableConcept), unit: '' };
  if (typeof o.valueString === 'string')
    return { text: o.valueString, unit: '' };
  if (o.dataAbsentReason)
    return { text: '—', unit: '' };
  return { text: '', unit: '' };
}

function mark (o) {
  const code = codeOf((o.interpretation || [])[0]);
  if (code === 'HU' || code === 'LU' || code === 'AA')
    return { text: '▲', cls: 'mark-hu' };
  if (code === 'H' || code === 'L' || code === 'A')
    return { text: '△', cls: 'mark-h' };
  return null;
}

function age (birth) {
  const b = new Date(birth + 'T00:00:00');
  const now = new Date();
  let a = now.getFullYear() - b.getFullYear();
  if (now.getMonth() < b.getMonth() || (now.getMonth() === b.getMonth() && now.getDate() < b.getDate()))
    a--;
  return a;
}

function section (title, ...children) {
  return el('section', { class: 'card' }, el('h2', {}, title), ...children);
}

function renderPatient (p, consent, out) {
  const names = p.name || [];
  const rep = (n, code) => (n.extension || []).some((e) => e.valueCode === code);
  const kanji = names.find((n) => rep(n, 'IDE')) || names[0] || {};
  const kana = names.find((n) => rep(n, 'SYL'));
  const full = (n) => n.text || [n.family, ...(n.given || [])].filter(Boolean).join(' ');
  const sex = { male: t('male'), female: t('female'), other: t('other') }[p.gender] || t('unknown');
  const facts = el('div', { class: 'facts' },
    p.birthDate ? el('span', { id: 'birth' }, t('born', formatDate(p.birthDate), age(p.birthDate))) : null,
    el('span', { id: 'sex' }, sex));
  out.append(el('section', { class: 'card patient' },
    el('div', { class: 'name', id: 'patient-name' }, full(kanji)),
    kana ? el('div', { class: 'kana', id: 'patient-kana' }, full(kana)) : null, facts));
  document.title = full(kanji) + ' — Techo';
  $('bar-title').textContent = full(kanji);

  if (consent) {
    const pr = consent.provision || {};
    const who = ((pr.actor || [])[0] || {}).reference;
    const why = (pr.purpose || [])[0];
    const end = (pr.period || {}).end;
    out.append(el('section', { class: 'card consent', id: 'consent' },
      el('dl', {},
        el('dt', {}, t('sharedWith')), el('dd', {}, who ? who.display || '' : ''),
        el('dt', {}, t('purpose')), el('dd', {}, why ? why.display || why.code || '' : ''),
        el('dt', {}, t('until')), el('dd', {}, end ? formatDateTime(Date.parse(end) / 1000) : ''),
        link.label ? el('dt', {}, t('label')) : null, link.label ? el('dd', {}, link.label) : null)));
  }
}

function renderCheckups (reports, byUrl, out) {
  const checkups = reports
    .filter((r) => (r.identifier || []).some((i) => /checkup-id$/.test(i.system || '')))
    .sort((a, b) => String(b.effectiveDateTime).localeCompare(String(a.effectiveDateTime)));
  if (!checkups.length)
    return;
  const results = (r) => (r.result || []).map((x) => byUrl.get(x.reference)).filter(Boolean);
  const latest = checkups.slice(0, 3);
  const order = [];
  const names = new Map();
  for (const c of latest)
    for (const o of results(c)) {
      const key = codeOf(o.code) || conceptText(o.code);
      if (!names.has(key)) {
        names.set(key, conceptText(o.code));
        order.push(key);
      }
    }
  const table = el('table', { id: 'checkups' });
  table.append(el('thead', {}, el('tr', {}, el('th', {}, t('item')),
    ...latest.map((c) => el('th', { class: 'num' }, formatShortDate(c.effectiveDateTime))))));
  const tbody = el('tbody');
  for (const key of order) {
    const row = el('tr', { 'data-code': key }, el('th', { scope: 'row' }, names.get(key)));
    for (const c of latest) {
      const o = results(c).find((x) => (codeOf(x.code) || conceptText(x.code)) === key);
      const v = o ? obsValue(o) : null;
      const td = el('td', { class: v && typeof v.number !== 'number' && v.text.length > 6 ? 'text' : 'num' });
      if (o) {
        const m = mark(o);
        td.append(el('span', { class: 'value' }, v.text), v.unit ? ' ' : '',
          v.unit ? el('span', { class: 'unit' }, v.unit) : '');
        if (m)
          td.append(' ', el('span', { class: m.cls, title: conceptText((o.interpretation || [])[0]) }, m.text));
      }
      row.append(td);
    }
    tbody.append(row);
  }
  table.append(tbody);
  out.append(section(t('checkups'), el('div', { class: 'scroll' }, table),
    el('p', { class: 'legend' }, t('legend'))));

  // Sparklines: every numeric item seen in two checkups or more.
  const series = new Map();
  for (const c of checkups.slice().reverse())
    for (const o of results(c)) {
      const v = obsValue(o);
      if (typeof v.number !== 'number')
        continue;
      const key = codeOf(o.code);
      if (!series.has(key))
        series.set(key, { name: conceptText(o.code), unit: v.unit, points: [] });
      series.get(key).points.push({ date: c.effectiveDateTime, value: v.number, text: v.text, mark: mark(o) });
    }
  const priority = ['3D046000001906202', '3D010000001926101', '3F077000002327101', '9A751000000000001',
    '9A761000000000001', '3F015000002327101', '3F070000002327101', '9N011000000000001', '9N016160100000001',
    '9N006000000000001'];
  const keys = [...series.keys()].filter((k) => series.get(k).points.length >= 2)
    .sort((a, b) => (priority.indexOf(a) + 1 || 99) - (priority.indexOf(b) + 1 || 99)).slice(0, 8);
  if (!keys.length)
    return;
  const grid = el('div', { class: 'sparks', id: 'trends' });
  for (const k of keys) {
    const s = series.get(k);
    const values = s.points.map((p) => p.value);
    const min = Math.min(...values);
    const max = Math.max(...values);
    const w = 200;
    const h = 36;
    const pts = s.points.map((p, i) => {
      const x = s.points.length === 1 ? w / 2 : 4 + i * (w - 8) / (s.points.length - 1);
      const y = max === min ? h / 2 : h - 4 - (p.value - min) * (h - 8) / (max - min);
      return [x.toFixed(1), y.toFixed(1)];
    });
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', s.points.map((p) => `${formatDate(p.date)} ${p.text}`).join(', '));
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', pts.map((p) => p.join(',')).join(' '));
    line.setAttribute('vector-effect', 'non-scaling-stroke');
    svg.append(line);
    const last = s.points[s.points.length - 1];
    grid.append(el('div', { class: 'spark' },
      el('div', { class: 't' }, s.name),
      el('div', { class: 'v' }, last.text + (s.unit ? ' ' + s.unit : ''),
        last.mark ? el('span', { class: last.mark.cls }, ' ' + last.mark.text) : null),
      svg,
      el('div', { class: 't' }, `${formatShortDate(s.points[0].date)} – ${formatShortDate(last.date)}`)));
  }
  out.append(section(t('trends'), grid));
}

function renderMedicines (dispenses, byUrl, out) {
  if (!dispenses.length)
    return;
  const day = 86400000;
  const today = Date.now();
  const rows = dispenses.map((d) => {
    const start = Date.parse((d.whenHandedOver || '') + 'T00:00:00');
    const days = d.daysSupply && typeof d.daysSupply.value === 'number' ? d.daysSupply.value : 0;
    const prescriber = byUrl.get((extValue(d, 'prescriber') || {}).reference || '');
    return {
      d, start, end: start + days * day, days,
      ingredient: extValue(d, 'ingredient') || codeOf(d.medicationCodeableConcept).slice(0, 7),
      prescriber: prescriber ? prescriber.name : '',
      prescriberKey: (extValue(d, 'prescriber') || {}).reference || '',
    };
  }).sort((a, b) => b.start - a.start);
  const current = rows.filter((r) => r.start <= today && today < r.end);
  let shown = current;
  let note = null;
  if (!current.length) {
    const newest = rows[0].start;
    shown = rows.filter((r) => r.start >= newest - 90 * day);
    note = el('p', { class: 'muted' }, t('noCurrent'));
  }
  // Duplicates: one ingredient from two prescribers over overlapping days.
  const dups = new Set();
  for (let i = 0; i < rows.length; i++)
    for (let j = i + 1; j < rows.length; j++) {
      const a = rows[i];
      const b = rows[j];
      if (a.ingredient && a.ingredient === b.ingredient && a.prescriberKey !== b.prescriberKey &&
          a.start < b.end && b.start < a.end)
        dups.add(a.ingredient);
    }
  const table = el('table', { id: 'medicines' },
    el('thead', {}, el('tr', {}, el('th', {}, t('medicine')), el('th', {}, t('dose')),
      el('th', { class: 'num' }, t('days')), el('th', {}, t('dispensed')), el('th', {}, t('prescriber')))));
  const tbody = el('tbody');
  for (const r of shown) {
    const q = r.d.quantity;
    const dose = [q ? numberText(q.value) + (q.unit || '') : '',
      ((r.d.dosageInstruction || [])[0] || {}).text || ''].filter(Boolean).join(' ');
    tbody.append(el('tr', {},
      el('td', {}, conceptText(r.d.medicationCodeableConcept),
        current.includes(r) ? el('span', { class: 'current' }, ' ' + t('current')) : null),
      el('td', {}, dose), el('td', { class: 'num nowrap' }, r.days ? r.days + (JA ? '日' : '') : ''),
      el('td', { class: 'date' }, formatShortDate(r.d.whenHandedOver)), el('td', {}, r.prescriber)));
  }
  table.append(tbody);
  out.append(section(t('medicines'),
    ...[...dups].map((i) => el('p', { class: 'warning', role: 'note' }, t('duplicate', i))),
    note, el('div', { class: 'scroll' }, table)));
}

function renderAllergies (allergies, out) {
  if (!allergies.length)
    return;
  const list = el('ul', { id: 'allergies' });
  for (const a of allergies) {
    const reactions = (a.reaction || []).flatMap((r) => (r.manifestation || []).map(conceptText)).join('、');
    list.append(el('li', {}, conceptText(a.code), reactions ? ` — ${reactions}` : '',
      a.recordedDate ? el('span', { class: 'muted' }, ` (${formatDate(a.recordedDate)})`) : null));
  }
  out.append(section(t('allergies'), list));
}

function renderScreenings (reports, out) {
  const screenings = reports.filter((r) => ext(r, 'cancer'))
    .sort((a, b) => String(b.effectiveDateTime).localeCompare(String(a.effectiveDateTime)));
  if (!screenings.length)
    return;
  const table = el('table', { id: 'screenings' },
    el('thead', {}, el('tr', {}, el('th', {}, t('date')), el('th', {}, t('screening')), el('th', {}, t('result')))));
  const tbody = el('tbody');
  for (const s of screenings) {
    const conclusion = (s.conclusionCode || [])[0];
    const coding = conclusion && (conclusion.coding || [])[0];
    const follow = coding && coding.code === '2';
    tbody.append(el('tr', {}, el('td', {}, formatDate(s.effectiveDateTime)), el('td', {}, conceptText(s.code)),
      el('td', { class: follow ? 'followup' : '' }, coding ? coding.display || coding.code : (s.conclusion || ''),
        follow && JA ? null : follow ? ` (${t('followUp')})` : null)));
  }
  table.append(tbody);
  out.append(section(t('screenings'), el('div', { class: 'scroll' }, table)));
}

function render (bundle) {
  const out = $('record');
  out.replaceChildren();
  const byUrl = new Map();
  const of = (type) => (bundle.entry || []).map((e) => e.resource).filter((r) => r && r.resourceType === type);
  for (const e of bundle.entry || [])
    if (e.fullUrl && e.resource)
      byUrl.set(e.fullUrl, e.resource);
  const patient = of('Patient')[0] || {};
  renderPatient(patient, of('Consent')[0], out);
  const reports = of('DiagnosticReport');
  renderCheckups(reports, byUrl, out);
  renderMedicines(of('MedicationDispense'), byUrl, out);
  renderAllergies(of('AllergyIntolerance'), out);
  renderScreenings(reports, out);
  out.append(el('footer', { class: 'note' }, t('note')));
  out.hidden = false;
  const p = $('print');
  p.hidden = false;
  p.textContent = t('print');
  p.onclick = () => window.print();
  document.body.dataset.ready = 'true';
}

// ---- start ----------------------------------------------------------------

function start () {
  document.documentElement.lang = JA ? 'ja' : 'en';
  $('unlock-title').textContent = t('unlockTitle');
  $('passcode-label').textContent = t('passcode');
  $('recipient-label').textContent = t('recipient');
  $('open').textContent = t('open');
  try {
    link = parseLink(location.hash);
  } catch (e) {
    showState('error', t('noLinkTitle'), t('badLink'));
    return;
  }
  if (!link) {
    showState('none', t('noLinkTitle'), t('noLinkText'));
    return;
  }
  if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
    showState('error', t('failed', ''), t('insecure'));
    return;
  }
  if (link.exp && link.exp * 1000 <= Date.now()) {
    ended();
    return;
  }
  if (link.label)
    $('unlock-label').textContent = link.label;
  if ((link.flag || '').includes('P')) {
    $('status').hidden = true;
    $('unlock').hidden = false;
    $('unlock').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const pass = $('passcode').value;
      if (!pass) {
        $('unlock-error').hidden = false;
        $('unlock-error').textContent = t('needPasscode');
        return;
      }
      $('open').disabled = true;
      $('unlock-error').hidden = true;
      open(pass);
    });
    $('passcode').focus();
  } else {
    showStatus(t('loading'));
    open(null);
  }
}

document.addEventListener('DOMContentLoaded', start);
