// A よいまちモニター survey from start to end in a real browser (issue 13): the
// 横瀬町 admin writes a survey with every kind of question (a mistake first,
// shown in the error summary), invites the town's panel — the invitations
// reach the SMTP relay, one personal link each — a monitor answers through the
// link in their mail (a mistake first), changes the answer, and the results
// page shows it in the chart and the table; a reminder reaches only the
// monitors who have not answered. axe-core checks every page at 320 px and at
// desktop width, the answer page in both languages and without JavaScript.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertAccessible, decoded, go, launchBrowser, number, pageChecker, pathOf, staffConsole, startKizuna, startSink,
  visitEverywhere, visitWithoutJavaScript, waitFor,
} from './support.js';

const YOKOZE = '113611';
const TOWN_ADMIN = { email: 'kikaku@town.yokoze.example.jp', password: 'yokoze-kikaku-admin-2024' };
// The town's panel came in with the registrant list (monitor_age_band), and one
// resident of 横瀬町 who is not a monitor, and one monitor of 秩父市.
const MONITORS = ['monitor-a@example.jp', 'monitor-b@example.jp', 'monitor-c@example.jp'];
const RESIDENTS_CSV = [
  'email,municipalities,categories,emergency_only,language,monitor_age_band',
  `monitor-a@example.jp,${YOKOZE},notice,false,ja,60代`,
  `monitor-b@example.jp,${YOKOZE},notice,false,ja,30-39`,
  `monitor-c@example.jp,${YOKOZE},event,false,ja,80代以上`,
  `not-a-monitor@example.jp,${YOKOZE},notice,false,ja,`,
  'chichibu-monitor@example.jp,112071,notice,false,ja,40代',
].join('\n');
const TITLE = '横瀬町の公共交通についてのアンケート';

let sink;
let kizuna;
let browser;
const known = { survey: null, links: {} };

before(async () => {
  sink = await startSink();
  // Reminders may go at once here; in production at most every 3 days.
  kizuna = await startKizuna({ KIZUNA_SMTP_URL: sink.url, KIZUNA_SURVEY_REMINDER_DAYS: '0' });
  const imported = await kizuna.cli(['subscribers', 'import', kizuna.file('residents.csv', RESIDENTS_CSV)]);
  assert.match(imported, /5 rows: 5 added/);
  await kizuna.cli(['staff', 'create', '--email', TOWN_ADMIN.email, '--municipality', YOKOZE,
    '--role', 'municipality-admin', '--password-stdin'], `${TOWN_ADMIN.password}\n`);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await kizuna?.stop();
  await sink?.stop();
});

const url = (where) => `${kizuna.baseUrl}${where}`;
const { check, withoutJavaScript } = pageChecker();
const { people, newPerson, withoutScript, signIn } = staffConsole({ browser: () => browser, url, check, withoutJavaScript });

/** Survey mails at the relay: their recipient, subject and personal link (on this server). */
function surveyMails() {
  return sink.messages
    .map((m) => ({ to: m.rcpt_tos, ...decoded(m) }))
    .filter((m) => /\/surveys\//.test(m.text))
    .map((m) => ({ to: m.to, subject: m.subject, link: url(m.text.match(/https?:\/\/\S+?(\/surveys\/[A-Za-z0-9_-]+)/)[1]) }));
}

/** A results table's rows (header cell and figures), found by its caption. */
async function tableRows(page, caption) {
  return page.$$eval('main table', (tables, wanted) => {
    const table = tables.find((t) => t.querySelector('caption')?.textContent.trim() === wanted);
    if (!table) return null;
    return [...table.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('th, td')].map((c) => c.textContent.trim()));
  }, caption);
}

test('the 横瀬町 admin writes a survey with every kind of question and invites the panel through the relay', async () => {
  const page = await newPerson('town');
  await signIn(page, TOWN_ADMIN.email, TOWN_ADMIN.password, 'sign-in');
  assert.equal(pathOf(page), '/admin');
  await page.goto(url('/admin/surveys'));
  await check(page, 'surveys and the panel');
  const panel = await page.textContent('main section[aria-labelledby=panel-heading]');
  assert.match(panel, /横瀬町（3人）/, 'the panel of 横瀬町 holds its three monitors');
  assert.doesNotMatch(panel, /秩父市/, 'another town\'s panel is not shown');

  await go(page, 'main a[href="/admin/surveys/new"]');
  await check(page, 'new survey');
  await page.fill('#title', TITLE);
  await page.fill('#introduction', 'バス路線の見直しのため、ご意見をお聞かせください。\n所要時間は3分ほどです。');
  await page.check(`#town-${YOKOZE}`);
  await page.selectOption('#q1-kind', 'single');
  await page.fill('#q1-text', '町営バスを利用していますか');
  await page.fill('#q1-choices', 'はい');
  await page.selectOption('#q2-kind', 'multiple');
  await page.fill('#q2-text', 'よく使う交通手段');
  await page.fill('#q2-choices', 'バス\n鉄道\n自家用車');
  await page.check('#q2-other');
  await page.uncheck('#q2-required');
  await page.selectOption('#q3-kind', 'rating');
  await page.fill('#q3-text', '町の公共交通の満足度');
  await page.selectOption('#q4-kind', 'text');
  await page.fill('#q4-text', 'ご意見・ご要望');
  await page.uncheck('#q4-required');
  // One choice is not a choice: the error summary leads to the field, what was typed stays.
  await go(page, 'main form[action="/admin/surveys/new"] button[type=submit]');
  assert.equal(pathOf(page), '/admin/surveys/new');
  const summary = page.locator('.error-summary');
  assert.match(await summary.textContent(), /選択肢/);
  await check(page, 'new survey with an error');
  assert.equal(await summary.locator('a[href="#q1-choices"]').count(), 1, 'the summary links to the field');
  assert.equal(await page.inputValue('#q2-choices'), 'バス\n鉄道\n自家用車');
  assert.ok(await page.isChecked('#q2-other'));
  await page.fill('#q1-choices', 'はい\nいいえ');
  await go(page, 'main form[action="/admin/surveys/new"] button[type=submit]');
  const created = pathOf(page).match(/^\/admin\/surveys\/(\d+)$/);
  assert.ok(created, `on the survey's page: ${page.url()}`);
  known.survey = created[1];
  assert.match(await page.textContent('main'), /アンケートを作りました/);
  await check(page, 'survey page (new)');

  await go(page, `main form[action="/admin/surveys/${known.survey}/invite"] button[type=submit]`);
  assert.match(await page.textContent('main'), /招待のメールを送ります/);
  await waitFor(() => surveyMails().length >= MONITORS.length, 'the invitations at the relay', 30);
  const mails = surveyMails();
  assert.deepEqual(mails.map((m) => m.to).flat().sort(), MONITORS, 'exactly the 横瀬町 monitors, once each');
  for (const mail of mails) {
    known.links[mail.to[0]] = mail.link;
    assert.match(mail.subject, /アンケート/);
  }
  assert.equal(new Set(mails.map((m) => m.link)).size, MONITORS.length, 'a personal link each');
  const invited = await page.$$eval('main dl.summary-list > div', (divs) =>
    divs.map((d) => [d.querySelector('dt').textContent.trim(), d.querySelector('dd').textContent.trim()]));
  assert.equal(number(Object.fromEntries(invited)['招待した人数']), MONITORS.length);
  // Inviting again invites nobody, and says so.
  await go(page, `main form[action="/admin/surveys/${known.survey}/invite"] button[type=submit]`);
  assert.match(await page.textContent('main'), /新たに招待する人はいません/);
});

test('a monitor answers through the link in the mail, mends a mistake and changes the answer later', async () => {
  const link = known.links['monitor-a@example.jp'];
  await visitEverywhere(browser, link, 'survey answer page');
  const { status, html } = await visitWithoutJavaScript(browser, link, 'survey answer page');
  assert.equal(status, 200);
  assert.doesNotMatch(html, /<script/i, 'the answer page needs no script');

  const context = await browser.newContext({ viewport: { width: 320, height: 800 }, locale: 'ja-JP' });
  const page = await context.newPage();
  await page.goto(link);
  assert.equal(await page.textContent('h1'), TITLE);
  // The required questions left out, and その他 ticked with nothing written.
  await page.getByLabel('その他', { exact: true }).check();
  await page.click('main button[type=submit]');
  const errors = await page.$$eval('.error-summary li', (items) => items.map((li) => li.textContent.trim()));
  assert.equal(errors.length, 3, `two required questions and その他: ${errors}`);
  assert.deepEqual(errors.map((e) => e.match(/^質問(\d+)：/)?.[1]), ['1', '2', '3'], 'each line names its question');
  assert.ok(errors[1].includes('その内容を書いてください'));
  assert.equal(await page.getAttribute('input[name$="-other"][type=text]', 'aria-invalid'), 'true');
  await assertAccessible(page, 'survey answer page with errors');
  await page.getByLabel('はい', { exact: true }).check();
  await page.getByLabel('バス', { exact: true }).check();
  await page.getByLabel('「その他」の内容').fill('<b>自転車</b>');
  await page.getByLabel('4', { exact: true }).check();
  await page.getByLabel('4. ご意見・ご要望').fill('朝の便を増やしてください。');
  await page.click('main button[type=submit]');
  assert.match(await page.textContent('h1'), /回答を受け付けました/, 'one POST records the answer');
  await assertAccessible(page, 'survey answered');

  // Later, the same link: the answer is shown and changed.
  await page.goto(link);
  assert.ok(await page.getByLabel('はい', { exact: true }).isChecked());
  assert.equal(await page.getByLabel('「その他」の内容').inputValue(), '<b>自転車</b>', 'shown as typed');
  await page.getByLabel('いいえ', { exact: true }).check();
  await page.getByLabel('2', { exact: true }).check();
  await page.click('main button[type=submit]');
  assert.match(await page.textContent('main'), /回答を変更しました/);
  await context.close();
});

test('the results page shows the changed answer in the chart and the table; a reminder reaches only who has not answered', async () => {
  const page = people.town.page;
  await page.goto(url(`/admin/surveys/${known.survey}`));
  await check(page, 'survey results');
  const figures = Object.fromEntries(await page.$$eval('main dl.summary-list > div', (divs) =>
    divs.map((d) => [d.querySelector('dt').textContent.trim(), d.querySelector('dd').textContent.trim()])));
  assert.equal(number(figures['回答数']), 1);

  // The single choice: the changed answer counts, the first does not.
  assert.deepEqual(await tableRows(page, '町営バスを利用していますか'), [['はい', '0', '0.0%'], ['いいえ', '1', '100.0%']]);
  // The multiple choice counts each option, その他 last, with what was written (escaped).
  const modes = await tableRows(page, 'よく使う交通手段');
  assert.deepEqual(modes.map((r) => [r[0], r[1]]), [['バス', '1'], ['鉄道', '0'], ['自家用車', '0'], ['その他', '1']]);
  const section = page.locator('main section', { has: page.locator('h2', { hasText: 'よく使う交通手段' }) });
  assert.match(await section.locator('ul.free-text').textContent(), /<b>自転車<\/b>/);
  assert.equal(await section.locator('ul.free-text b').count(), 0, 'not markup');
  // The chart draws the same counts: each bar read against the axis's numbers, named by the label beside it.
  const single = page.locator('main section', { has: page.locator('h2', { hasText: '町営バスを利用していますか' }) });
  const drawn = await single.locator('figure svg[role=img]').evaluate((svg) => {
    const texts = [...svg.querySelectorAll('text')].map((t) => ({
      text: t.textContent.trim(), x: Number(t.getAttribute('x')), y: Number(t.getAttribute('y')),
      anchor: t.getAttribute('text-anchor'),
    }));
    const ticks = texts.filter((t) => t.anchor === 'middle' && /^\d+$/.test(t.text));
    const perAnswer = (ticks[1].x - ticks[0].x) / (Number(ticks[1].text) - Number(ticks[0].text));
    const bars = [...svg.querySelectorAll('rect')].filter((r) => r.getAttribute('fill') !== '#FFFFFF');
    return Object.fromEntries(bars.map((r) => {
      const [top, height] = [Number(r.getAttribute('y')), Number(r.getAttribute('height'))];
      const label = texts.find((t) => t.anchor === 'end' && t.y >= top && t.y <= top + height);
      return [label?.text, Math.round(Number(r.getAttribute('width')) / perAnswer)];
    }));
  });
  assert.deepEqual(drawn, { いいえ: 1 }, 'one bar, for いいえ, one answer long; none for はい');
  const rating = await tableRows(page, '町の公共交通の満足度');
  assert.deepEqual(rating.map((r) => r[1]), ['0', '1', '0', '0', '0'], 'the changed rating, 2');

  await go(page, `main form[action="/admin/surveys/${known.survey}/remind"] button[type=submit]`);
  assert.match(await page.textContent('main'), /再送のメールを送ります/);
  await waitFor(() => surveyMails().length >= MONITORS.length + 2, 'the reminders at the relay', 30);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const reminders = surveyMails().slice(MONITORS.length);
  assert.deepEqual(reminders.map((m) => m.to).flat().sort(), ['monitor-b@example.jp', 'monitor-c@example.jp'],
    'only the monitors who have not answered');
  assert.ok(reminders.every((m) => m.subject.includes('アンケートのお願い（再送）') && m.subject.includes(TITLE)));
  // The reminder's new link opens the same invitation: monitor-b answers with it.
  const reminder = reminders.find((m) => m.to.includes('monitor-b@example.jp'));
  const context = await browser.newContext({ viewport: { width: 320, height: 800 } });
  const monitor = await context.newPage();
  await monitor.goto(reminder.link);
  await monitor.getByLabel('はい', { exact: true }).check();
  await monitor.getByLabel('5（高い）', { exact: true }).check();
  await monitor.click('main button[type=submit]');
  assert.match(await monitor.textContent('h1'), /回答を受け付けました/);
  await context.close();

  const noScript = await withoutScript('town', 'town without script');
  await noScript.goto(url(`/admin/surveys/${known.survey}`));
  const after = Object.fromEntries(await noScript.$$eval('main dl.summary-list > div', (divs) =>
    divs.map((d) => [d.querySelector('dt').textContent.trim(), d.querySelector('dd').textContent.trim()])));
  assert.equal(number(after['回答数']), 2);
  await check(noScript, 'survey results without JavaScript');
  // A second reminder right away: monitor-c once more, nobody who answered.
  await go(page, `main form[action="/admin/surveys/${known.survey}/remind"] button[type=submit]`);
  await waitFor(() => surveyMails().length >= MONITORS.length + 3, 'the second reminder', 30);
  assert.deepEqual(surveyMails().slice(MONITORS.length + 2).map((m) => m.to).flat(), ['monitor-c@example.jp']);
});
