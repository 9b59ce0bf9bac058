// The public pages a resident sees first, in both languages, at 320 px and
// without JavaScript, each checked with axe-core.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { BIN, launchBrowser, startKizuna, visitEverywhere, visitWithoutJavaScript } from './support.js';

let kizuna;
let browser;

before(async () => {
  kizuna = await startKizuna();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await kizuna?.stop();
});

test('the home page names the five municipalities and is accessible', async () => {
  await visitEverywhere(browser, `${kizuna.baseUrl}/`, 'home');
  const page = await browser.newPage();
  await page.goto(`${kizuna.baseUrl}/`);
  const text = await page.textContent('main');
  for (const town of ['秩父市', '横瀬町', '皆野町', '長瀞町', '小鹿野町']) {
    assert.ok(text.includes(town), `home page lacks ${town}`);
  }
  await page.click('text=English');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.ok((await page.textContent('main')).includes('Ogano Town'));
  await page.close();
});

test('a missing page answers 404 in the resident\'s language and is accessible', async () => {
  await visitEverywhere(browser, `${kizuna.baseUrl}/no-such-page`, 'not found');
  const { status, html } = await visitWithoutJavaScript(browser, `${kizuna.baseUrl}/no-such-page?lang=en`, '404');
  assert.equal(status, 404);
  assert.match(html, /Page not found/);
});

test('the home page works without JavaScript', async () => {
  const { status, html } = await visitWithoutJavaScript(browser, `${kizuna.baseUrl}/`, 'home');
  assert.equal(status, 200);
  assert.match(html, /小鹿野町/);
});

test('the accessibility check itself catches a violation', async () => {
  const page = await browser.newPage();
  await page.setContent('<html><body><img src="x.png"><input type="text"></body></html>');
  const { assertAccessible } = await import('./support.js');
  await assert.rejects(assertAccessible(page, 'broken sample'), /image-alt|label|html-has-lang/);
  await page.close();
});

/** Publishes a notice through the JSON API with a key made by the CLI. */
async function publish(body) {
  const output = execFileSync(BIN, ['api-key', 'create', '--all-municipalities'], {
    env: { ...process.env, KIZUNA_DATA_DIR: kizuna.dataDir },
  }).toString().trim().split('\n');
  const key = output.at(-1);
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const created = await fetch(`${kizuna.baseUrl}/api/v1/notices`, { method: 'POST', headers, body: JSON.stringify(body) });
  assert.equal(created.status, 201, await created.clone().text());
  const { id } = await created.json();
  const sent = await fetch(`${kizuna.baseUrl}/api/v1/notices/${id}/send`, { method: 'POST', headers });
  assert.equal(sent.status, 200, await sent.clone().text());
  return id;
}

test('the archive, a notice page and Japanese search are accessible', async () => {
  const id = await publish({
    title: '【断水】秩父市大野原地区の断水について',
    body: '水道管の工事のため、11月26日9時から12時まで断水します。\nご不便をおかけします。',
    title_en: 'Water outage in Ohnohara, Chichibu City',
    body_en: 'Water will be off from 9:00 to 12:00 on 26 November for pipe works.',
    category: 'notice',
    municipalities: ['112071'],
    urgency: 'normal',
    exercise: true,
  });
  await visitEverywhere(browser, `${kizuna.baseUrl}/notices`, 'archive');
  await visitEverywhere(browser, `${kizuna.baseUrl}/notices/${id}`, 'notice page');
  await visitEverywhere(browser, `${kizuna.baseUrl}/notices?q=${encodeURIComponent('ﾀﾞﾝｽｲ')}`, 'search without results');
  const page = await browser.newPage();
  await page.goto(`${kizuna.baseUrl}/notices`);
  await page.fill('#q', '断水');
  await page.click('button[type=submit]');
  assert.match(await page.textContent('main'), /大野原地区/);
  assert.match(await page.textContent('main'), /訓練/, 'drills are labelled');
  await page.close();
  await visitEverywhere(browser, `${kizuna.baseUrl}/notices?from=2026-13-45`, 'archive with a form error');
});
