// A safety check-in (安否確認) in a real browser. A resident meets it through
// the link from the mail: a page with one button, checked with axe in both
// languages, at 320 px and without JavaScript; a mistake is tied to its field;
// the answer is recorded, shown and changed. The consortium admin sends one
// from the console (issue 13): with the notice page open, the counts change as
// residents answer, without reloading; a follow-up to those who have not
// answered reaches them alone. axe checks each console page at 320 px and at
// desktop width, the follow-up's draft also without JavaScript.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertAccessible, compose, decoded, go, launchBrowser, noticeId, number, pageChecker, pathOf, staffConsole,
  startKizuna, visitEverywhere, visitWithoutJavaScript, waitFor,
} from './support.js';

const YOKOZE = '113611';
const COUNTDOWN_SECONDS = 2;
const ADMIN_PASSWORD = 'chichibu-kouiki-admin-2024';

let kizuna;
/**
 * The console journey's own server: the first journey's resident of 横瀬町
 * would otherwise be among its recipients, and its first start prints the
 * consortium admin's one-time password.
 */
let yokoze;
let browser;

before(async () => {
  kizuna = await startKizuna();
  yokoze = await startKizuna({ KIZUNA_EMERGENCY_COUNTDOWN_SECONDS: String(COUNTDOWN_SECONDS) });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await kizuna?.stop();
  await yokoze?.stop();
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

// --- The consortium admin's side (issue 13) -----------------------------------

const url = (where) => `${yokoze.baseUrl}${where}`;
const { check, withoutJavaScript } = pageChecker();
const { newPerson, withoutScript, firstAdmin } = staffConsole({ browser: () => browser, url, check, withoutJavaScript });

const TITLE = '【安否確認】横瀬町で震度6弱の地震がありました';
const NEEDS_HELP = 'sato@example.jp';
const SAFE = 'suzuki@example.jp';
const SILENT = 'tanaka@example.jp';

/** The mails the outbox holds for notice `id`, each with its recipient, subject and text. */
function outboxOf(id) {
  return yokoze.outbox()
    .filter((data) => new RegExp(`^Message-ID: <delivery\\.n${id}\\.`, 'mi').test(data))
    .map((data) => ({ to: data.match(/^X-Kizuna-Envelope-To: <([^>]+)>$/mi)[1], ...decoded({ data }) }));
}

/** The link of `answer` (safe or help) in a mail's text, on the test's server. */
function linkIn(text, answer) {
  const link = text.match(new RegExp(`https?://\\S+/check-in/\\S+/${answer}(?=\\s|$)`));
  assert.ok(link, `no ${answer} link in the mail:\n${text}`);
  return link[0].replace(/^https?:\/\/[^/]+/, yokoze.baseUrl);
}

/** What a cell of the check-in counts shows. */
async function count(page, name) {
  return (await page.textContent(`main section.check-ins [data-check-in="${name}"]`)).trim();
}

/** Waits until the notice page shows its delivery finished (it reloads itself until then). */
async function deliveryFinished(page) {
  await page.waitForSelector('main section.progress:not([data-progress])', { timeout: 20000 });
}

/** A resident opens a link from their mail on a phone and presses the button, with `fields` filled. */
async function answer(link, fields = {}) {
  const context = await browser.newContext({ viewport: { width: 320, height: 800 }, locale: 'ja-JP' });
  try {
    const page = await context.newPage();
    await page.goto(link);
    for (const [field, value] of Object.entries(fields)) await page.fill(`#${field}`, value);
    await go(page, 'main form button[type=submit]');
    assert.match(await page.textContent('h1'), /回答を受け付けました/);
  } finally {
    await context.close();
  }
}

test('the consortium admin sees a resident who needs help without reloading, and a follow-up reaches only who has not answered', async () => {
  const imported = await yokoze.cli(['subscribers', 'import', yokoze.file('yokoze.csv', [
    'email,municipalities,categories,emergency_only,language',
    ...[NEEDS_HELP, SAFE, SILENT].map((email) => `${email},${YOKOZE},disaster,false,ja`),
  ].join('\r\n'))]);
  assert.match(imported, /3 rows: 3 added/);

  const page = await newPerson('admin', { viewport: { width: 1280, height: 900 } });
  await firstAdmin(page, yokoze, ADMIN_PASSWORD);

  // The check-in notice, written in the console and sent as an emergency.
  await page.goto(url('/admin/notices/new'));
  await check(page, 'compose');
  await compose(page, { title: TITLE, body: '横瀬町で震度6弱の地震がありました。ご無事か教えてください。',
    category: 'disaster', emergency: true });
  await page.check('#check_in');
  await go(page, 'button[name=action][value=save]');
  const id = noticeId(page);
  await check(page, 'notice page (draft with a check-in)');
  await go(page, `main a[href="/admin/notices/${id}/emergency"]`);
  assert.equal(number(await page.textContent('.counts-panel .big-number')), 3);
  await check(page, 'emergency confirmation');
  await go(page, `main form[action="/admin/notices/${id}/emergency"] button[type=submit]`);
  assert.ok(await page.isVisible('.countdown'), 'the countdown is shown');
  await check(page, 'countdown', { copy: true });
  await waitFor(() => outboxOf(id).length >= 3, 'the check-in in the outbox', COUNTDOWN_SECONDS + 15);
  const mails = Object.fromEntries(outboxOf(id).map((m) => [m.to, m]));
  assert.deepEqual(Object.keys(mails).sort(), [NEEDS_HELP, SAFE, SILENT]);
  for (const mail of Object.values(mails)) assert.equal(mail.subject, TITLE);

  // The notice page, open before anyone answers, with its live counts.
  await deliveryFinished(page);
  assert.equal(pathOf(page), `/admin/notices/${id}`);
  assert.deepEqual([await count(page, 'safe'), await count(page, 'needs_help'), await count(page, 'unanswered')],
    ['0', '0', '3']);
  assert.ok(await page.isHidden('main section.check-ins [data-without-script]'),
    'the page says it does not update itself, though its script does');
  await check(page, 'notice page with check-in counts');
  // Gone if the page is loaded again: the counts below must come without a reload.
  await page.evaluate(() => { window.openBeforeTheAnswers = true; });
  const notReloaded = () => page.evaluate(() => window.openBeforeTheAnswers === true);

  await answer(linkIn(mails[NEEDS_HELP].text, 'help'), { household: '2', message: '足をけがして動けません。水が足りません。' });
  await waitFor(async () => (await count(page, 'needs_help')) === '1', 'the open page to count the answer', 15);
  assert.ok(await notReloaded(), 'the page was loaded again');
  assert.equal(await count(page, 'needs_help_people'), '2', 'the household is counted');
  assert.equal(await count(page, 'unanswered'), '2');
  assert.equal(await count(page, `${YOKOZE}-0-needs_help`), '1', 'the town\'s row counts it too');

  await answer(linkIn(mails[SAFE].text, 'safe'));
  await waitFor(async () => (await count(page, 'safe')) === '1', 'the open page to count the safe answer', 15);
  assert.ok(await notReloaded(), 'the page was loaded again');
  assert.deepEqual([await count(page, 'needs_help'), await count(page, 'unanswered')], ['1', '1']);

  // Who needs help, with what they wrote; not the others.
  await go(page, `main a[href="/admin/notices/${id}/check-ins/help"]`);
  const rows = await page.$$eval('main table tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.equal(rows.length, 1, `one row: ${rows}`);
  assert.ok(rows[0].includes(NEEDS_HELP) && rows[0].includes('足をけがして動けません。水が足りません。'), rows[0]);
  await check(page, 'needs-help list');

  // The follow-up to those who have not answered: a draft, then the emergency send.
  await page.goto(url(`/admin/notices/${id}`));
  await go(page, `main form[action="/admin/notices/${id}/follow-up"]:has(input[name=audience][value=unanswered]) button`);
  const followUp = noticeId(page);
  assert.notEqual(followUp, id);
  assert.match(await page.textContent('main .notification-banner'), /安否確認のお知らせの下書きを作りました/);
  const followUpTitle = '安否確認へのご回答のお願い';
  const followUpBody = `先にお送りした「${TITLE}」の安否確認に、まだお答えいただいていません。`;
  assert.equal((await page.textContent('main h1')).trim(), followUpTitle);
  assert.ok((await page.textContent('main .notice-body')).includes(followUpBody), 'the draft says what it follows up');
  assert.ok(await page.$('main .summary-list strong.tag-draft'), 'the follow-up is a draft');
  assert.ok(await page.$('main .summary-list .tag-emergency'), 'the follow-up is an emergency like the check-in');
  await check(page, 'follow-up draft');

  const plain = await withoutScript('admin', 'admin without JavaScript');
  await plain.goto(url(`/admin/notices/${followUp}`));
  assert.equal((await plain.textContent('main h1')).trim(), followUpTitle);
  assert.ok(await plain.$(`main a[href="/admin/notices/${followUp}/emergency"]`), 'the emergency send is offered');
  await check(plain, 'follow-up draft [no JavaScript]');

  await go(page, `main a[href="/admin/notices/${followUp}/emergency"]`);
  assert.equal(number(await page.textContent('.counts-panel .big-number')), 1, 'one resident has not answered');
  await check(page, 'emergency confirmation (follow-up)');
  await go(page, `main form[action="/admin/notices/${followUp}/emergency"] button[type=submit]`);
  await waitFor(() => outboxOf(followUp).length >= 1, 'the follow-up in the outbox', COUNTDOWN_SECONDS + 15);
  await deliveryFinished(page);
  assert.equal(pathOf(page), `/admin/notices/${followUp}`);
  await check(page, 'follow-up sent');
  const followUps = outboxOf(followUp);
  assert.deepEqual(followUps.map((m) => m.to), [SILENT], 'the follow-up reaches only who has not answered');
  assert.equal(followUps[0].subject, followUpTitle);
  assert.ok(followUps[0].text.includes(followUpBody), followUps[0].text);
  for (const email of [NEEDS_HELP, SAFE]) {
    assert.equal(yokoze.outbox().filter((data) => data.includes(`X-Kizuna-Envelope-To: <${email}>`)).length, 1,
      `${email} answered and got only the check-in`);
  }

  // Its link answers the check-in it follows up: no one is left unanswered.
  await answer(linkIn(followUps[0].text, 'safe'));
  await page.goto(url(`/admin/notices/${id}`));
  assert.deepEqual([await count(page, 'safe'), await count(page, 'needs_help'), await count(page, 'unanswered')],
    ['2', '1', '0']);
});
