// The public pages a resident sees first, in both languages, at 320 px and
// without JavaScript, each checked with axe-core.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, startKizuna, visitEverywhere, visitWithoutJavaScript } from './support.js';

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
