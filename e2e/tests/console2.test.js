// The staff console's second half in a real browser (issue 12): a municipality
// admin of 横瀬町 imports a registrant list (a file with bad rows first, then
// fixed), finds a resident who is also registered in 秩父市 and changes only the
// 横瀬町 choices, cannot see a resident of 秩父市 alone by any address, and sees
// the imported residents on the dashboard; quiet hours hold a normal notice
// until they end while an emergency filled from a template goes at once; the
// residents, import, dashboard, costs and audit pages without JavaScript.
// axe-core checks every page visited at 320 px and at desktop width.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  compose, go, launchBrowser, mailOf, noticeId, number, pageChecker, pathOf, staffConsole, startKizuna,
  startSink, status, waitFor,
} from './support.js';

const CHICHIBU = '112071';
const YOKOZE = '113611';
const COUNTDOWN_SECONDS = 3;
const ADMIN_PASSWORD = 'chichibu-kouiki-admin-2024';
const TOWN_ADMIN = { email: 'kanri@town.yokoze.example.jp', password: 'yokoze-kanri-admin-2024' };
const IMPORT_LABEL = '一括登録（取り込み）';
const HEADER = 'email,municipalities,categories,emergency_only,language';

// Residents already registered, by the CLI: one in both towns, one in 秩父市
// only, one of 横瀬町 who chose disaster information only.
const EXISTING_CSV = [
  HEADER,
  `futari@example.jp,${YOKOZE};${CHICHIBU},notice;disaster,false,ja`,
  `bousai@example.jp,${YOKOZE},disaster,false,ja`,
  `chichibu-dake@example.jp,${CHICHIBU},notice,false,ja`,
].join('\n');

// The 横瀬町 admin's list: line 3's address has no "@", line 5 is of 秩父市.
const BAD_CSV = [
  HEADER,
  `shinki-ichiro@example.jp,${YOKOZE},notice,false,ja`,
  `shinki-hanako.example.jp,${YOKOZE},notice,false,ja`,
  `shinki-jiro@example.com,${YOKOZE},notice;event,false,en`,
  `shinki-saburo@example.jp,${CHICHIBU},notice,false,ja`,
  `futari@example.jp,${YOKOZE},notice,false,ja`,
].join('\n');
const FIXED_CSV = [
  HEADER,
  `shinki-ichiro@example.jp,${YOKOZE},notice,false,ja`,
  `shinki-hanako@example.jp,${YOKOZE},notice,false,ja`,
  `shinki-jiro@example.com,${YOKOZE},notice;event,false,en`,
  `shinki-saburo@example.jp,${YOKOZE},notice,false,ja`,
  `futari@example.jp,${YOKOZE},notice,false,ja`,
].join('\n');
const NEW_RESIDENTS = ['shinki-hanako@example.jp', 'shinki-ichiro@example.jp', 'shinki-jiro@example.com',
  'shinki-saburo@example.jp'];

let sink;
let kizuna;
let browser;
/** Filled as the journeys learn them. */
const known = { importedBefore: null, futari: null, chichibuDake: null };

before(async () => {
  sink = await startSink();
  kizuna = await startKizuna({
    KIZUNA_SMTP_URL: sink.url,
    KIZUNA_EMERGENCY_COUNTDOWN_SECONDS: String(COUNTDOWN_SECONDS),
  });
  const imported = await kizuna.cli(['subscribers', 'import', kizuna.file('existing.csv', EXISTING_CSV)]);
  assert.match(imported, /3 rows: 3 added/);
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
const { people, newPerson, withoutScript, signIn, firstAdmin } =
  staffConsole({ browser: () => browser, url, check, withoutJavaScript });

/** Text as a reader sees it: without the isolates around inserted values, spaces squeezed. */
function plain(text) {
  return text.replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();
}

/** Searches the residents as staff do; answers the rows' addresses and their town lines. */
async function search(page, query, label) {
  await page.goto(url('/admin/residents'));
  await page.fill('#q', query);
  await go(page, 'main form[role=search] button[type=submit]');
  assert.equal(pathOf(page), '/admin/residents');
  if (label) await check(page, label);
  return page.$$eval('main .notice-rows li', (items) => items.map((li) => ({
    email: li.querySelector('a').textContent.trim(),
    href: li.querySelector('a').getAttribute('href'),
    meta: li.querySelector('.meta')?.textContent ?? '',
  })));
}

/** The ticked choices on a resident's record, as `CODE:KEY`, sorted. */
async function ticked(page) {
  return (await page.$$eval('main input[name=choice]:checked', (boxes) => boxes.map((b) => b.value))).sort();
}

/** The figures of the current month in the growth table, by column heading. */
async function thisMonthsGrowth(page) {
  const headings = await page.$$eval('table:has(#growth-table) thead th',
    (cells) => cells.map((c) => c.textContent.trim()));
  const rows = await page.$$eval('table:has(#growth-table) tbody tr',
    (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
  assert.ok(rows.length > 0, 'the growth table has months');
  const cells = rows[rows.length - 1];
  const figures = {};
  headings.slice(1).forEach((heading, i) => { figures[heading] = number(cells[i]); });
  return figures;
}

/**
 * What the growth chart shows for import this month, read from the drawing as
 * a reader reads it: the legend's colour for the label, the height of the one
 * bar of that colour, measured against the axis's numbers.
 */
async function importBarOfChart(page) {
  return page.$eval('section:has(#growth-heading) figure svg[role=img]', (svg, label) => {
    const texts = [...svg.querySelectorAll('text')];
    const legend = texts.find((t) => t.textContent.trim() === label);
    if (!legend) return { error: 'no legend' };
    const swatch = [...svg.querySelectorAll('rect')].find((r) => r.getAttribute('y') === legend.getAttribute('y')
      && Number(r.getAttribute('x')) < Number(legend.getAttribute('x')));
    const colour = swatch.getAttribute('fill');
    const bars = [...svg.querySelectorAll(`rect[fill="${colour}"]`)].filter((r) => r !== swatch);
    const ticks = texts.filter((t) => t.getAttribute('text-anchor') === 'end' && /^\d+$/.test(t.textContent.trim()))
      .map((t) => ({ value: Number(t.textContent.trim()), y: Number(t.getAttribute('y')) }));
    if (ticks.length < 2) return { error: 'no axis' };
    const [low, high] = [ticks[0], ticks[ticks.length - 1]];
    const perPerson = (low.y - high.y) / (high.value - low.value);
    return { bars: bars.map((b) => Math.round(Number(b.getAttribute('height')) / perPerson)) };
  }, IMPORT_LABEL);
}

/** Uploads `text` as a CSV file on the import page; lands on the preview. */
async function upload(page, name, text, label) {
  await page.goto(url('/admin/residents/import'));
  if (label) await check(page, label);
  await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  await go(page, 'main form[action="/admin/residents/import"] button[type=submit]');
}

/** The preview's figures, by their labels. */
async function previewFigures(page) {
  const pairs = await page.$$eval('main dl.summary-list > div', (divs) =>
    divs.map((d) => [d.querySelector('dt').textContent.trim(), d.querySelector('dd').textContent.trim()]));
  return Object.fromEntries(pairs.map(([k, v]) => [k, number(v)]));
}

test('the consortium admin signs in for the first time (password changed, TOTP set up)', async () => {
  const page = await newPerson('admin', { viewport: { width: 1280, height: 900 } });
  await firstAdmin(page, kizuna, ADMIN_PASSWORD);
  assert.equal(pathOf(page), '/admin');
  await check(page, 'consortium admin home');
});

test('the 横瀬町 admin imports a list: bad rows are shown with line and reason and nothing is imported until the file is fixed', async () => {
  const page = await newPerson('town');
  await signIn(page, TOWN_ADMIN.email, TOWN_ADMIN.password, 'sign-in');
  assert.equal(pathOf(page), '/admin', 'a municipality admin without the emergency right needs no second factor');
  await check(page, 'municipality admin home');

  // The dashboard before: the residents the CLI brought in are counted under import.
  await page.goto(url('/admin/dashboard'));
  await check(page, 'dashboard (横瀬町)');
  known.importedBefore = (await thisMonthsGrowth(page))[IMPORT_LABEL];
  assert.equal(known.importedBefore, 2, 'the two residents of 横瀬町 of the CLI came in by import this month');
  assert.deepEqual(await importBarOfChart(page), { bars: [2] });

  await page.goto(url('/admin/residents'));
  await check(page, 'residents search');
  await go(page, 'main a[href="/admin/residents/import"]');
  assert.match(await page.textContent('main'), /取り込み先：横瀬町/);
  assert.match(await page.textContent('main code'), new RegExp(`^${HEADER}`));
  await check(page, 'import form');

  // Two bad rows: both listed with their line and reason; the button imports nothing.
  await upload(page, 'yokoze-old.csv', BAD_CSV);
  assert.equal(pathOf(page), '/admin/residents/import');
  await check(page, 'import preview with rejected rows');
  const figures = await previewFigures(page);
  assert.equal(figures['行数（見出しを除く）'], 5);
  assert.equal(figures['取り込めない行'], 2);
  assert.equal(figures['登録済み（変更しない）'], 1, 'the resident of both towns is already registered');
  const rejected = (await page.$$eval('main h2#rejected-rows + p + ul li', (items) => items.map((li) => li.textContent)))
    .map(plain);
  assert.equal(rejected.length, 2, `two rejected rows: ${rejected}`);
  assert.match(rejected[0], /^3行目 email: .*「@」を1つだけ含めてください/);
  assert.match(rejected[1], new RegExp(`^5行目 municipalities: ${CHICHIBU} はあなたが担当する市町村ではありません`));
  await go(page, 'main form[action="/admin/residents/import/confirm"] button[type=submit]');
  assert.ok(await page.isVisible('#skip_rejected-error'), 'the refusal is shown at the box to tick');
  assert.match(await page.textContent('#skip_rejected-error'), /取り込めない行があります/);
  assert.match(await page.textContent('main .error-summary'), /取り込めない行があります/);
  await check(page, 'import preview: rejected rows not skipped');
  assert.deepEqual(await search(page, 'shinki'), [], 'nothing was imported while rows are rejected');

  // The file fixed: four new, one known, none rejected; imported.
  await upload(page, 'yokoze-fixed.csv', FIXED_CSV);
  const fixed = await previewFigures(page);
  assert.deepEqual([fixed['新しく登録する人'], fixed['登録済み（変更しない）'], fixed['取り込めない行']], [4, 1, 0]);
  assert.equal(await page.$('#skip_rejected'), null, 'nothing to skip');
  await check(page, 'import preview');
  await go(page, 'main form[action="/admin/residents/import/confirm"] button[type=submit]');
  assert.match(plain(await page.textContent('main .notification-banner')), /4人を新しく登録しました/);
  await check(page, 'import done');

  const found = await search(page, 'shinki', 'residents search results');
  assert.deepEqual(found.map((r) => r.email).sort(), NEW_RESIDENTS);
  for (const row of found) assert.match(row.meta, /横瀬町/);
  await go(page, `main a:has-text("shinki-jiro@example.com")`);
  await check(page, 'resident record');
  assert.deepEqual(await ticked(page), [`${YOKOZE}:event`, `${YOKOZE}:notice`]);
  assert.match(await page.textContent('main .summary-list'), /取り込み（以前の仕組み）/);
});

test('the 横瀬町 admin changes a resident\'s 横瀬町 choices; the 秩父市 choices stay as they were', async () => {
  const page = people.town.page;
  const found = await search(page, 'futari@example.jp');
  assert.deepEqual(found.map((r) => r.email), ['futari@example.jp']);
  assert.doesNotMatch(found[0].meta, /秩父市/, 'another town is not named to a municipality admin');
  await go(page, 'main a:has-text("futari@example.jp")');
  known.futari = pathOf(page);
  await check(page, 'resident record (also in another town)');
  assert.match(await page.textContent('main .notice-box'), /ほかの市町村も登録しています/);
  const legends = await page.$$eval('main form legend', (ls) => ls.map((l) => l.textContent.trim()));
  assert.deepEqual(legends, ['横瀬町'], 'only 横瀬町 choices are shown');
  assert.deepEqual(await ticked(page), [`${YOKOZE}:disaster`, `${YOKOZE}:notice`]);

  await page.uncheck(`#choice-${YOKOZE}-disaster`);
  await page.check(`#choice-${YOKOZE}-event`);
  await go(page, `main form[action="${known.futari}/subscriptions"] button[type=submit]`);
  assert.equal(pathOf(page), known.futari);
  assert.match(await page.textContent('main'), /受け取る情報を保存しました/);
  assert.deepEqual(await ticked(page), [`${YOKOZE}:event`, `${YOKOZE}:notice`]);
  await check(page, 'resident record (saved)');

  // The consortium admin sees both towns: 秩父市 unchanged, 横瀬町 as saved.
  const admin = people.admin.page;
  await admin.goto(url(known.futari));
  await check(admin, 'resident record (consortium admin)');
  assert.deepEqual(await ticked(admin),
    [`${CHICHIBU}:disaster`, `${CHICHIBU}:notice`, `${YOKOZE}:event`, `${YOKOZE}:notice`]);
});

test('the 横瀬町 admin cannot find or open a resident of 秩父市 alone by any address', async () => {
  const admin = people.admin.page;
  const [row] = await search(admin, 'chichibu-dake@example.jp');
  assert.equal(row.email, 'chichibu-dake@example.jp', 'the consortium admin finds them');
  known.chichibuDake = row.href;

  const page = people.town.page;
  assert.deepEqual(await search(page, 'chichibu-dake'), []);
  assert.match(await page.textContent('main'), /見つかりませんでした/);
  const everyone = await search(page, 'example.jp');
  assert.ok(everyone.some((r) => r.email === 'futari@example.jp'), 'the search itself works');
  assert.ok(!everyone.some((r) => r.email === 'chichibu-dake@example.jp'), 'a 秩父市 resident is listed');

  for (const where of [known.chichibuDake, `${known.chichibuDake}/export`, `${known.chichibuDake}/erase`]) {
    const response = await page.goto(url(where));
    assert.equal(response.status(), 404, `${where} answers ${response.status()}`);
    const html = await page.content();
    assert.ok(!html.includes('chichibu-dake'), `${where} shows the address`);
    await check(page, 'resident not found');
  }
  // Nor is the resident in the registrant list the 横瀬町 admin downloads, and
  // of the resident of both towns only the 横瀬町 choices are in it.
  const list = await page.request.get(url('/admin/residents/export'));
  assert.equal(list.status(), 200);
  const csv = (await list.body()).toString('latin1');
  assert.match(csv, /futari@example\.jp/);
  assert.match(csv, /shinki-jiro@example\.com/);
  assert.doesNotMatch(csv, /chichibu-dake/);
  assert.doesNotMatch(csv, new RegExp(CHICHIBU), 'another town\'s choices are in the export');
  const record = await page.request.get(url(`${known.futari}/export`));
  assert.equal(record.status(), 200);
  assert.deepEqual((await record.json()).subscriptions.map((c) => `${c.municipality}:${c.category}`).sort(),
    [`${YOKOZE}:event`, `${YOKOZE}:notice`]);
  // Nor can a change be sent to them: the form token of a page of their own, another resident's id.
  const csrf = await page.goto(url(known.futari)).then(() => page.inputValue('input[name=csrf_token]'));
  const id = known.chichibuDake.split('/').pop();
  const answer = await page.evaluate(async ({ id, csrf }) => {
    const body = new URLSearchParams({ csrf_token: csrf, choice: '113611:notice' });
    const r = await fetch(`/admin/residents/${id}/subscriptions`, { method: 'POST', body });
    return { status: r.status, text: await r.text() };
  }, { id, csrf });
  assert.equal(answer.status, 404);
  assert.ok(!answer.text.includes('chichibu-dake'));
  await admin.goto(url(known.chichibuDake));
  assert.deepEqual(await ticked(admin), [`${CHICHIBU}:notice`], 'the 秩父市 resident is unchanged');
});

test('the dashboard counts the imported residents under import, in its chart and its table', async () => {
  const page = people.town.page;
  await page.goto(url('/admin/dashboard'));
  const growth = await thisMonthsGrowth(page);
  assert.equal(growth[IMPORT_LABEL], known.importedBefore + NEW_RESIDENTS.length);
  assert.deepEqual(await importBarOfChart(page), { bars: [growth[IMPORT_LABEL]] },
    'the chart has one bar for import, this month\'s, as tall as the table says');
  await check(page, 'dashboard after the import');
  // The consortium admin's view of the region counts them too.
  const admin = people.admin.page;
  await admin.goto(url('/admin/dashboard'));
  await check(admin, 'dashboard (region)');
  assert.equal((await thisMonthsGrowth(admin))[IMPORT_LABEL], 3 + NEW_RESIDENTS.length);
});

/** HH:MM in Japan time of `ms`. */
function jstClock(ms) {
  const d = new Date(ms + 9 * 3600 * 1000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/** A moment as the console writes it: 2026年12月4日（金）00:12. */
function jstDateTime(ms) {
  const d = new Date(ms + 9 * 3600 * 1000);
  const weekday = ['日', '月', '火', '水', '木', '金', '土'][d.getUTCDay()];
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日（${weekday}）${jstClock(ms)}`;
}

test('in quiet hours a normal notice waits until they end, while an emergency filled from a template goes at once', async () => {
  const page = people.admin.page;
  const town = people.town.page;
  // A normal notice of 横瀬町, written by the consortium admin and approved by
  // the 横瀬町 admin (a second person); an emergency from the region's template, saved.
  await page.goto(url('/admin/notices/new'));
  await check(page, 'compose');
  await compose(page, { title: '年末年始の窓口のご案内', body: '12月29日から1月3日まで窓口はお休みです。', category: 'notice' });
  await go(page, 'button[name=action][value=save]');
  const normal = noticeId(page);
  await check(page, 'notice page (draft)');
  await go(page, `main a[href="/admin/notices/${normal}/submit"]`);
  await check(page, 'submit');
  await go(page, `main form[action="/admin/notices/${normal}/submit"] button[type=submit]`);
  await town.goto(url(`/admin/notices/${normal}/approve`));
  await check(town, 'approve');
  await go(town, `main form[action="/admin/notices/${normal}/approve"] button[type=submit]`);
  assert.match(await status(town), /承認済み/);
  await check(town, 'notice page (approved)');

  await page.goto(url('/admin/templates'));
  await check(page, 'templates');
  await go(page, 'main tbody tr:has(th:has-text("避難指示")) a:has-text("使う")');
  assert.equal(pathOf(page), '/admin/notices/new');
  assert.equal(await page.inputValue('#title'), '【避難指示】〇〇地区に避難指示を発令しました');
  assert.match(await page.inputValue('#body'), /警戒レベル4/);
  assert.ok(await page.isChecked('#urgency-emergency'), 'the template is an emergency');
  assert.ok(await page.isChecked('#category-disaster'));
  await check(page, 'compose filled from a template');
  await page.fill('#title', '【避難指示】横瀬川沿いに避難指示を発令しました');
  await page.check(`#municipality-${YOKOZE}`);
  await go(page, 'button[name=action][value=save]');
  const emergency = noticeId(page);

  // Quiet hours from this minute (Japan time) to the next full minute at least 35 s away.
  const now = Date.now();
  const minuteStart = now - (now % 60000);
  let end = minuteStart + 60000;
  if (end - now < 50000) end += 60000;
  await page.goto(url('/admin/settings'));
  await check(page, 'settings');
  await page.check('#quiet-on');
  await page.fill('#quiet_start', jstClock(minuteStart));
  await page.fill('#quiet_end', jstClock(end));
  await go(page, 'main form[action="/admin/settings/quiet-hours"] button[type=submit]');
  assert.match(await page.textContent('main'), /設定を保存しました/);
  assert.equal(await page.inputValue('#quiet_end'), jstClock(end));

  // The pre-send page says when it will go; sent, it waits.
  await town.goto(url(`/admin/notices/${normal}/send`));
  const normalCount = number(await town.textContent('.counts-panel .big-number'));
  assert.equal(normalCount, 1 + NEW_RESIDENTS.length, 'futari and the four imported chose notices of 横瀬町');
  assert.ok(plain(await town.textContent('main'))
    .includes(`静かな時間帯（${jstClock(end)}まで）のため、${jstDateTime(end)}に送信されます`),
  'the pre-send page says the notice waits for the end of the quiet hours');
  await check(town, 'send during quiet hours');
  await go(town, `main form[action="/admin/notices/${normal}/send"] button[type=submit]`);
  assert.match(await status(town), /予約済み/);
  assert.ok(plain(await town.textContent('main .summary-list')).includes(jstDateTime(end)),
    'the notice page says when it will go');

  // The emergency, confirmed at the same time, reaches the relay within seconds.
  await page.goto(url(`/admin/notices/${emergency}/emergency`));
  // Of 横瀬町, only bousai chose disaster information now (futari's was taken away above).
  const emergencyCount = number(await page.textContent('.counts-panel .big-number'));
  assert.equal(emergencyCount, 1);
  await check(page, 'emergency confirmation');
  const armedAt = Date.now();
  await go(page, `main form[action="/admin/notices/${emergency}/emergency"] button[type=submit]`);
  // Watched while the countdown page is checked: when the emergency arrives, and whether the normal one had.
  const arrival = waitFor(() => mailOf(sink, emergency).length >= emergencyCount, 'the emergency at the relay',
    COUNTDOWN_SECONDS + 10).then(() => ({ at: Date.now(), normalThen: mailOf(sink, normal).length }));
  arrival.catch(() => {});
  assert.ok(await page.isVisible('.countdown'), 'the countdown is shown');
  await check(page, 'countdown', { copy: true });
  const { at, normalThen } = await arrival;
  assert.ok(at < end, 'the emergency arrived only after the quiet hours');
  assert.ok(at - armedAt < (COUNTDOWN_SECONDS + 8) * 1000, `the emergency took ${(at - armedAt) / 1000} s`);
  assert.equal(normalThen, 0, 'the normal notice went out during the quiet hours');
  assert.equal(mailOf(sink, normal).length, 0, 'the normal notice went out during the quiet hours');
  assert.deepEqual(mailOf(sink, emergency).flatMap((m) => m.rcpt_tos), ['bousai@example.jp']);
  await check(town, 'notice page (waiting for the end of the quiet hours)');

  // The normal one arrives once they have ended, not before.
  await waitFor(() => mailOf(sink, normal).length >= normalCount, 'the normal notice at the relay',
    (end - Date.now()) / 1000 + 15);
  const arrived = Date.now();
  assert.ok(arrived >= end, `the normal notice arrived ${(end - arrived) / 1000} s before the quiet hours ended`);
  assert.deepEqual(mailOf(sink, normal).flatMap((m) => m.rcpt_tos).sort(), ['futari@example.jp', ...NEW_RESIDENTS]);
  await page.goto(url(`/admin/notices/${normal}`));
  await page.waitForSelector('main section.progress:not([data-progress])', { timeout: 15000 });
  await check(page, 'notice sent after the quiet hours');

  // Quiet hours off again.
  await page.goto(url('/admin/settings'));
  await page.check('#quiet-off');
  await go(page, 'main form[action="/admin/settings/quiet-hours"] button[type=submit]');
  assert.ok(await page.isChecked('#quiet-off'));
  await check(page, 'settings saved');
});

test('the residents, import, dashboard, costs and audit pages work without JavaScript', async () => {
  // With JavaScript first, for axe: the shared cost and the audit log.
  const admin = people.admin.page;
  await admin.goto(url('/admin/costs'));
  await check(admin, 'costs');
  await admin.goto(url('/admin/audit'));
  await check(admin, 'audit log');

  const page = await withoutScript('town', 'town-plain');
  const found = await search(page, 'shinki', 'residents search results [no JavaScript]');
  assert.equal(found.length, NEW_RESIDENTS.length);
  await page.goto(url(known.futari));
  await check(page, 'resident record [no JavaScript]');
  await page.check(`#choice-${YOKOZE}-weather`);
  await go(page, `main form[action="${known.futari}/subscriptions"] button[type=submit]`);
  assert.deepEqual(await ticked(page), [`${YOKOZE}:event`, `${YOKOZE}:notice`, `${YOKOZE}:weather`]);

  await upload(page, 'one-more.csv', `${HEADER}\nbangai@example.jp,${YOKOZE},notice,false,ja\n`,
    'import form [no JavaScript]');
  await check(page, 'import preview [no JavaScript]');
  await go(page, 'main form[action="/admin/residents/import/confirm"] button[type=submit]');
  assert.match(plain(await page.textContent('main .notification-banner')), /1人を新しく登録しました/);
  await check(page, 'import done [no JavaScript]');

  await page.goto(url('/admin/dashboard'));
  assert.equal((await thisMonthsGrowth(page))[IMPORT_LABEL], known.importedBefore + NEW_RESIDENTS.length + 1);
  await check(page, 'dashboard [no JavaScript]');

  // The audit log: what the 横瀬町 admin did to residents, found by the action's beginning.
  await page.goto(url('/admin/audit'));
  await page.fill('#action', 'resident');
  await go(page, 'main form[action="/admin/audit"] button[type=submit]');
  const actions = await page.$$eval('main table.audit-table tbody tr', (rows) => rows.map((r) => r.textContent));
  assert.ok(actions.some((r) => r.includes('residents_import')), 'the import is in the audit log');
  assert.ok(actions.some((r) => r.includes('住民を取り込んだ')), 'each action is named in plain words');
  assert.ok(actions.some((r) => r.includes('resident_subscriptions')), 'the change of choices is in the audit log');
  await check(page, 'audit log [no JavaScript]');

  const plainAdmin = await withoutScript('admin', 'admin-plain');
  await plainAdmin.goto(url('/admin/costs'));
  assert.equal(pathOf(plainAdmin), '/admin/costs');
  const towns = await plainAdmin.$$eval('main table', (tables) => tables.map((t) => t.textContent).join('\n'));
  for (const town of ['秩父市', '横瀬町', '皆野町', '長瀞町', '小鹿野町']) assert.match(towns, new RegExp(town));
  await check(plainAdmin, 'costs [no JavaScript]');
  await plainAdmin.goto(url('/admin/audit'));
  const entries = await plainAdmin.$$eval('main table.audit-table tbody tr', (rows) => rows.map((r) => r.textContent));
  assert.ok(entries.some((r) => r.includes('settings_quiet_hours')), 'the region\'s log has the quiet hours change');
  await check(plainAdmin, 'audit log (consortium admin) [no JavaScript]');
});
