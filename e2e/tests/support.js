// Shared helpers for the journeys: a fresh `kizuna serve`, Debian's Chromium
// driven by playwright-core, and axe-core run on every page a journey visits.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
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
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kizuna did not start:\n${stderr}`)), 30000);
    lines.on('line', (line) => {
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

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA, no rule disabled) and throws on any violation. */
export async function assertAccessible(page, label) {
  await page.addScriptTag({ content: AXE_SOURCE }).catch(async () => {
    // With JavaScript disabled the page cannot run scripts: check it in a twin page with JS on.
    throw new Error('axe needs JavaScript in the page');
  });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  if (result.violations.length > 0) {
    const details = result.violations.map((v) =>
      `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`).join('\n');
    throw new Error(`${label}: ${result.violations.length} accessibility violation(s)\n${details}`);
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

/** Loads a page with JavaScript disabled, then checks the same HTML with axe in a JS-enabled page. */
export async function visitWithoutJavaScript(browser, url, label) {
  const noJs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 800 } });
  const page = await noJs.newPage();
  const response = await page.goto(url);
  const html = await page.content();
  await noJs.close();
  const checker = await browser.newContext({ viewport: { width: 320, height: 800 } });
  const twin = await checker.newPage();
  await twin.setContent(html, { waitUntil: 'load' });
  await assertAccessible(twin, `${label} [no JavaScript]`);
  await checker.close();
  return { status: response.status(), html };
}
