// Shared helpers for the journeys: a fresh `kizuna serve`, Debian's Chromium
// driven by playwright-core, and axe-core run on every page a journey visits.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const BIN = process.env.KIZUNA_BIN || path.join(ROOT, 'target', 'debug', 'kizuna');
export const CHROMIUM = process.env.KIZUNA_CHROMIUM || '/usr/bin/chromium';

/** Starts `kizuna serve` in a fresh data directory; resolves once it listens. */
export async function startKizuna(extraEnv = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kizuna-e2e-'));
  const env = { ...process.env, KIZUNA_DATA_DIR: dataDir, KIZUNA_HTTP_ADDR: '127.0.0.1:0',
    KIZUNA_INBOUND_SMTP_ADDR: '127.0.0.1:0', KIZUNA_MAIL_DOMAIN: 'anshin.example.jp', ...extraEnv };
  for (const key of Object.keys(env)) {
    if (key.startsWith('KIZUNA_TEST')) delete env[key];
  }
  const child = spawn(BIN, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const lines = createInterface({ input: child.stdout });
  let smtpUrl = null;
  // The first start's banner names the consortium admin and its one-time password.
  const firstAdmin = { email: null, password: null };
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kizuna did not start:\n${stderr}`)), 30000);
    lines.on('line', (line) => {
      const email = line.match(/^\s+メールアドレス \/ email:\s+(\S+)$/);
      if (email) firstAdmin.email = email[1];
      const password = line.match(/^\s+ワンタイムパスワード \/ password:\s+(\S+)$/);
      if (password) firstAdmin.password = password[1];
      const smtp = line.match(/^Kizuna receives mail on (smtp:\/\/\S+)$/);
      if (smtp) smtpUrl = smtp[1];
      const match = line.match(/^Kizuna is listening on (http:\/\/\S+)$/);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.on('exit', (code) => reject(new Error(`kizuna exited with ${code}:\n${stderr}`)));
  });
  return {
    baseUrl,
    smtpUrl,
    dataDir,
    child,
    firstAdmin,
    /** What the server wrote to stderr (its log) so far. */
    log() { return stderr; },
    /**
     * Runs a CLI command (`kizuna staff create …`) on the same database as the
     * running server, with `input` on its stdin; resolves with its stdout.
     */
    cli(args, input = '') {
      return new Promise((resolve, reject) => {
        const run = execFile(BIN, args, { env }, (error, stdout, stderrText) => {
          if (error) reject(new Error(`kizuna ${args.join(' ')} failed: ${error.message}\n${stderrText}`));
          else resolve(stdout);
        });
        // A command that does not read its input may exit before the write
        // reaches it; its exit status and output then tell how it went.
        run.stdin.on('error', (error) => { if (error.code !== 'EPIPE') reject(error); });
        run.stdin.end(input);
      });
    },
    /** Writes `text` to a file in the data directory and answers its path. */
    file(name, text) {
      const file = path.join(dataDir, name);
      writeFileSync(file, text);
      return file;
    },
    /** The .eml files written to the outbox, oldest first. */
    outbox() {
      const dir = path.join(dataDir, 'outbox');
      let names = [];
      try { names = readdirSync(dir).filter((n) => n.endsWith('.eml')).sort(); } catch { return []; }
      return names.map((n) => readFileSync(path.join(dir, n), 'utf8'));
    },
    async stop() {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts e2e/smtp_sink.py, a real SMTP relay (aiosmtpd) that keeps every message
 * it accepts; resolves once it listens. `messages` fills as mail arrives;
 * `release()` lets go of the messages to "held…" addresses.
 */
export async function startSink() {
  const script = path.join(ROOT, 'e2e', 'smtp_sink.py');
  const child = spawn('python3', [script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const lines = createInterface({ input: child.stdout });
  const messages = [];
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the SMTP sink did not start:\n${stderr}`)), 15000);
    let first = true;
    lines.on('line', (line) => {
      if (first) { first = false; clearTimeout(timer); resolve(Number(line)); return; }
      messages.push(JSON.parse(line));
    });
    child.on('exit', (code) => reject(new Error(`the SMTP sink exited with ${code}:\n${stderr}`)));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    /** Every recipient the sink has accepted a message for, sorted. */
    recipients() { return messages.flatMap((m) => m.rcpt_tos).sort(); },
    release() { child.stdin.write('release\n'); },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Decodes RFC 4648 Base32 (spaces and padding ignored). */
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text.replace(/[\s=]/g, '').toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`not Base32: ${char}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/**
 * An authenticator app for the key the set-up page shows (RFC 6238: SHA-1,
 * 30 s, 6 digits). Kizuna accepts a code once, so each code comes from a later
 * time step than the one before (one step ahead is within its allowed drift),
 * waiting for the clock when needed.
 */
export function authenticator(key) {
  const secret = base32(key);
  let lastStep = -1;
  const codeAt = (step) => {
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(BigInt(step));
    const mac = createHmac('sha1', secret).update(counter).digest();
    const offset = mac[mac.length - 1] & 0x0f;
    const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
    return String(number).padStart(6, '0');
  };
  return {
    async code() {
      for (;;) {
        const now = Math.floor(Date.now() / 1000 / 30);
        const step = Math.max(now, lastStep + 1);
        // One step ahead is accepted; more would be refused: wait for the clock.
        if (step <= now + 1) {
          lastStep = step;
          return codeAt(step);
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA, no rule disabled) and throws on any violation. */
export async function assertAccessible(page, label) {
  // The console's Content-Security-Policy refuses inline script (so no
  // addScriptTag); the browser's own evaluation is not subject to it.
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      // Only violations are read: details of what passed are not collected.
      resultTypes: ['violations'],
    });
  });
  if (result.violations.length > 0) {
    const details = result.violations.map((v) =>
      `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`).join('\n');
    throw new Error(`${label}: ${result.violations.length} accessibility violation(s)\n${details}`);
  }
}

/**
 * Checks a page shown with JavaScript disabled. axe needs timers, which such a
 * page never runs, so the same HTML is served again at the same address (its
 * stylesheets load as before) to a page with JavaScript on — as the browser
 * without JavaScript built it: `<noscript>` contents are real elements, and no
 * script runs. Checks at each of `widths` (the page's own by default) and that
 * nothing scrolls sideways.
 */
export async function assertAccessibleWithoutJavaScript(page, label, widths = [page.viewportSize().width]) {
  const html = (await page.content())
    .replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '')
    .replace(/<\/?noscript>/gi, '');
  const address = page.url();
  const context = await page.context().browser().newContext({ viewport: page.viewportSize() });
  try {
    const twin = await context.newPage();
    await twin.route((u) => u.href === address, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await twin.goto(address);
    for (const width of widths) {
      await twin.setViewportSize({ width, height: 800 });
      await assertAccessible(twin, `${label} [no JavaScript, ${width}px]`);
      const overflow = await twin.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
      if (overflow) throw new Error(`${label} [no JavaScript, ${width}px] scrolls sideways`);
    }
  } finally {
    await context.close();
  }
}

/**
 * Opens `url` the ways residents do: Japanese and English, at 320 px and on a
 * desktop; returns the 320 px Japanese page for further steps.
 */
export async function visitEverywhere(browser, url, label) {
  for (const width of [320, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    for (const lang of ['ja', 'en']) {
      const target = lang === 'en' ? withQuery(url, 'lang', 'en') : url;
      await page.goto(target);
      await assertAccessible(page, `${label} [${lang}, ${width}px]`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
      if (overflow) throw new Error(`${label} [${lang}, ${width}px] scrolls sideways`);
    }
    await context.close();
  }
}

export function withQuery(url, key, value) {
  const u = new URL(url);
  u.searchParams.set(key, value);
  return u.toString();
}

/** Loads a page with JavaScript disabled and checks it with axe as it was shown. */
export async function visitWithoutJavaScript(browser, url, label) {
  const noJs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 800 } });
  const page = await noJs.newPage();
  const response = await page.goto(url);
  const html = await page.content();
  await assertAccessibleWithoutJavaScript(page, label);
  await noJs.close();
  return { status: response.status(), html };
}

// --- The staff console: what the console journeys share ---------------------

/** The path of the page's address. */
export function pathOf(page) {
  return new URL(page.url()).pathname;
}

/** Clicks what submits a form or follows a link, and waits for the next page. */
export async function go(page, selector) {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response;
}

/** Waits until `predicate` answers true, asking every 100 ms; throws after `seconds`. */
export async function waitFor(predicate, what, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`waited ${seconds} s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The number in a "5人" / "5 people" line. */
export function number(text) {
  const match = text.replace(/[\u2066-\u2069]/g, '').match(/\d+/);
  assert.ok(match, `no number in ${text}`);
  return Number(match[0]);
}

/** The messages the relay `sink` holds for notice `id` (Kizuna's Message-ID names it). */
export function mailOf(sink, id) {
  return sink.messages.filter((m) => new RegExp(`^Message-ID: <delivery\\.n${id}\\.`, 'mi').test(m.data));
}

/** A message's subject and text, decoded (UTF-8, base64, as Kizuna writes them). */
export function decoded(message) {
  const [head, ...rest] = message.data.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const subject = (unfolded.match(/^Subject: (.*)$/mi)?.[1] ?? '')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/gi, (_, b64) => Buffer.from(b64, 'base64').toString('utf8'));
  assert.match(unfolded, /^Content-Transfer-Encoding: base64$/mi);
  const text = Buffer.from(rest.join('\n').replace(/\s+/g, ''), 'base64').toString('utf8');
  return { subject: subject.trim(), text };
}

/** The id of the notice whose page is shown. */
export function noticeId(page) {
  const match = pathOf(page).match(/^\/admin\/notices\/(\d+)$/);
  assert.ok(match, `not on a notice page: ${page.url()}`);
  return match[1];
}

/** The notice page's status text. */
export async function status(page) {
  return (await page.textContent('main .summary-list strong.tag')).trim();
}

/** Fills the compose form for one municipality (横瀬町 unless told). */
export async function compose(page, { title, body, category, emergency = false, municipality = '113611' }) {
  await page.fill('#title', title);
  await page.fill('#body', body);
  await page.check(`#category-${category}`);
  await page.check(`#municipality-${municipality}`);
  await page.check(emergency ? '#urgency-emergency' : '#urgency-normal');
}

/**
 * A `check(page, label, { copy })` that checks each kind of page once (by its
 * label) with axe at 320 px and at desktop width, and that at 320 px nothing
 * scrolls sideways; it leaves the page at the width it had. Pages of contexts
 * without JavaScript (`withoutJavaScript`), and pages that reload themselves
 * soon (`copy`), are checked in a copy.
 */
export function pageChecker() {
  const checked = new Set();
  const withoutJavaScript = new WeakSet();
  async function check(page, label, { copy = false } = {}) {
    if (checked.has(label)) return;
    checked.add(label);
    if (copy || withoutJavaScript.has(page)) {
      await assertAccessibleWithoutJavaScript(page, label, [320, 1280]);
      return;
    }
    const original = page.viewportSize();
    for (const width of [320, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      await assertAccessible(page, `${label} [${width}px]`);
      if (width === 320) {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
        assert.ok(!overflow, `${label} scrolls sideways at 320 px`);
        // KIZUNA_E2E_SCREENSHOTS=DIR keeps how each page looks on a phone, to look at.
        if (process.env.KIZUNA_E2E_SCREENSHOTS) {
          const name = `${String(checked.size).padStart(2, '0')}-${label.replace(/[^\p{L}\p{N}]+/gu, '-')}.png`;
          await page.screenshot({ path: path.join(process.env.KIZUNA_E2E_SCREENSHOTS, name), fullPage: true });
        }
      }
    }
    await page.setViewportSize(original);
  }
  return { check, withoutJavaScript };
}

/**
 * The people of a console journey, each in a browser context of their own
 * (their own session cookie), and the steps of signing in. `browser()` and
 * `url(path)` are read when used, so they may be set up in `before`.
 */
export function staffConsole({ browser, url, check, withoutJavaScript }) {
  const people = {};

  async function newPerson(name, options = {}) {
    const context = await browser().newContext({ viewport: { width: 320, height: 800 }, locale: 'ja-JP', ...options });
    const page = await context.newPage();
    people[name] = { context, page };
    if (options.javaScriptEnabled === false) withoutJavaScript.add(page);
    return page;
  }

  /** A context without JavaScript signed in as `name` already is (their cookies). */
  async function withoutScript(name, as) {
    const page = await newPerson(as, { javaScriptEnabled: false });
    await page.context().addCookies(await people[name].context.cookies());
    return page;
  }

  async function signIn(page, email, password, label) {
    await page.goto(url('/admin/login'));
    if (label) await check(page, label);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await go(page, 'main form[action="/admin/login"] button[type=submit]');
  }

  /** Changes the one-time password the first sign-in must change. */
  async function changePassword(page, current, next, label) {
    assert.equal(pathOf(page), '/admin/password', 'a one-time password must be changed first');
    if (label) await check(page, label);
    await page.fill('#current_password', current);
    await page.fill('#new_password', next);
    await page.fill('#new_password_confirm', next);
    await go(page, 'main form[action="/admin/password"] button[type=submit]');
  }

  /** Enrols the second factor on the set-up page; answers the authenticator. */
  async function enrolSecondFactor(page, label) {
    assert.equal(pathOf(page), '/admin/second-factor/setup', 'the second factor is required');
    await check(page, label);
    const key = (await page.textContent('.totp-key code')).trim();
    assert.match(key, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/, 'the key is shown as Base32 in groups of four');
    assert.match(await page.textContent('.uri code'), /^otpauth:\/\/totp\//);
    const app = authenticator(key);
    await page.fill('#code', await app.code());
    await go(page, 'main form[action="/admin/second-factor/setup"] button[type=submit]');
    const codes = await page.$$eval('.recovery-codes code', (nodes) => nodes.map((n) => n.textContent));
    assert.equal(codes.length, 10, 'ten recovery codes are shown once');
    await check(page, `${label}: recovery codes`);
    await go(page, 'main a[href="/admin"]');
    assert.equal(pathOf(page), '/admin');
    return app;
  }

  /** The first admin's first sign-in: the printed password changed, TOTP set up. */
  async function firstAdmin(page, kizuna, password) {
    await signIn(page, kizuna.firstAdmin.email, kizuna.firstAdmin.password, 'sign-in');
    await changePassword(page, kizuna.firstAdmin.password, password, 'password change');
    return enrolSecondFactor(page, 'second factor set-up');
  }

  return { people, newPerson, withoutScript, signIn, changePassword, enrolSecondFactor, firstAdmin };
}
