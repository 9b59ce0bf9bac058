// A safety check-in (安否確認) as a resident meets it in a real browser: the
// link from the mail opens a page with one button, checked with axe in both
// languages, at 320 px and without JavaScript; a mistake is tied to its field;
// the answer is recorded, shown and changed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertAccessible, launchBrowser, startKizuna, visitEverywhere, visitWithoutJavaScript } from './support.js';

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

/** The text part of the newest mail to `address`, decoded (UTF-8 base64). */
async function mailTo(address) {
  for (let i = 0; i < 100; i += 1) {
    const mail = kizuna.outbox().filter((m) => m.includes(address)).at(-1);
    if (mail) {
      const body = mail.split('\r\n\r\n').slice(1).join('\r\n\r\n');
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no mail to ${address}`);
}

test('a resident answers a check-in from the mail and changes the answer', async () => {
  const list = kizuna.file('residents.csv', 'email,municipalities,categories,emergency_only,language\r\nhanako@example.jp,113611,disaster,false,ja\r\n');
  await kizuna.cli(['subscribers', 'import', list]);
  const key = (await kizuna.cli(['api-key', 'create', '--all-municipalities'])).trim().split('\n').at(-1);
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const created = await fetch(`${kizuna.baseUrl}/api/v1/notices`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      title: '地震の安否確認', body: '横瀬町で震度5強の地震がありました。', category: 'disaster',
      municipalities: ['113611'], urgency: 'emergency', check_in: true,
    }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { id } = await created.json();
  const sent = await fetch(`${kizuna.baseUrl}/api/v1/notices/${id}/send`, { method: 'POST', headers });
  assert.equal(sent.status, 200, await sent.clone().text());

  const text = await mailTo('hanako@example.jp');
  const help = text.match(/https?:\/\/\S+\/check-in\/\S+\/help/)[0].replace(/^https?:\/\/[^/]+/, kizuna.baseUrl);
  await visitEverywhere(browser, help, 'check-in page');
  const { status, html } = await visitWithoutJavaScript(browser, help, 'check-in page');
  assert.equal(status, 200);
  assert.doesNotMatch(html, /<script/i);

  const context = await browser.newContext({ viewport: { width: 320, height: 800 } });
  const page = await context.newPage();
  await page.goto(help);
  await page.fill('#household', '0');
  await page.click('button[type=submit]');
  assert.equal(await page.getAttribute('#household', 'aria-invalid'), 'true');
  await assertAccessible(page, 'check-in page with an error');
  await page.fill('#household', '2');
  await page.fill('#message', '<b>足</b>を怪我しています');
  await page.click('button[type=submit]');
  assert.match(await page.textContent('h1'), /回答を受け付けました/);
  assert.match(await page.textContent('main'), /支援が必要です（2人）/);
  assert.match(await page.textContent('main'), /<b>足<\/b>を怪我しています/, 'shown as typed, not as markup');
  await assertAccessible(page, 'check-in answered');

  // The town's admin sees the answer on the notice page and in the list, both accessible.
  await kizuna.cli(['staff', 'create', '--email', 'admin@town.yokoze.example', '--municipality', '113611',
    '--role', 'municipality-admin', '--password-stdin'], 'a long enough passphrase\n');
  const staff = await (await browser.newContext({ viewport: { width: 320, height: 800 }, locale: 'ja-JP' })).newPage();
  await staff.goto(`${kizuna.baseUrl}/admin/login`);
  await staff.fill('#email', 'admin@town.yokoze.example');
  await staff.fill('#password', 'a long enough passphrase');
  await Promise.all([staff.waitForNavigation(), staff.click('main form[action="/admin/login"] button[type=submit]')]);
  await staff.goto(`${kizuna.baseUrl}/admin/notices/${id}`);
  assert.match(await staff.textContent('section.check-ins'), /安否確認の回答/);
  assert.equal((await staff.textContent('[data-check-in="needs_help"]')).trim(), '1');
  await assertAccessible(staff, 'console notice page with check-in counts');
  await Promise.all([staff.waitForNavigation(), staff.click('text=「支援が必要です」の一覧')]);
  assert.match(await staff.textContent('main table'), /hanako@example\.jp/);
  assert.match(await staff.textContent('main table'), /<b>足<\/b>を怪我しています/);
  await assertAccessible(staff, 'console needs-help list');
  await staff.context().close();

  await page.click('text=回答を「無事です」に変える');
  assert.match(await page.textContent('main'), /いまの回答：支援が必要です/);
  await page.click('button[type=submit]');
  assert.match(await page.textContent('main'), /無事です（1人）/);
  await context.close();

  const counts = await fetch(`${kizuna.baseUrl}/api/v1/notices/${id}/check-ins`, { headers });
  assert.deepEqual(await counts.json(), {
    safe: 1, needs_help: 0, unanswered: 0, by_municipality: { 113611: { safe: 1, needs_help: 0, unanswered: 0 } },
  });
});
