// The staff console in a real browser, against a real SMTP relay (aiosmtpd):
// the first admin's sign-in, staff accounts, a notice written, returned, fixed,
// approved and sent to residents imported by the CLI, its delivery watched to
// the end; an emergency sent through the countdown and one stopped during it;
// the writing journey without JavaScript. axe-core checks every console page
// visited at 320 px and at desktop width.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertAccessible, compose, decoded, go, launchBrowser, mailOf as mailOfNotice, noticeId, number, pageChecker,
  pathOf, staffConsole, startKizuna, startSink, status, waitFor,
} from './support.js';

const YOKOZE = '113611';
const COUNTDOWN_SECONDS = 6;
const PASSWORDS = {
  admin: 'chichibu-kouiki-admin-2024',
  author: 'yokoze-soumu-author-2024',
  approver: 'yokoze-soumu-approver-2024',
  emergency: 'yokoze-kiki-emergency-2024',
};

// Residents as an existing registrant list brings them in. A normal notice of
// 横瀬町 reaches five of them; an emergency also the one who chose
// "emergency only"; the one of 秩父市 alone neither. The sink holds the mail to
// held-hanako until it is told to let go, so the progress can be seen unfinished.
const RESIDENTS_CSV = [
  'email,municipalities,categories,emergency_only,language',
  `ichiro@example.jp,${YOKOZE},,false,ja`,
  `jiro@example.com,${YOKOZE},notice;disaster,false,ja`,
  `held-hanako@example.net,${YOKOZE},,false,ja`,
  `mary@example.org,${YOKOZE},,false,en`,
  `saburo@example.jp,${YOKOZE};112071,,false,ja`,
  `only-emergency@example.jp,${YOKOZE},,true,ja`,
  'chichibu-only@example.jp,112071,,false,ja',
].join('\n');
const NORMAL_RECIPIENTS = ['held-hanako@example.net', 'ichiro@example.jp', 'jiro@example.com',
  'mary@example.org', 'saburo@example.jp'];
const EMERGENCY_RECIPIENTS = [...NORMAL_RECIPIENTS, 'only-emergency@example.jp'].sort();

let sink;
let kizuna;
let browser;
const accounts = {};

before(async () => {
  sink = await startSink();
  kizuna = await startKizuna({
    KIZUNA_SMTP_URL: sink.url,
    KIZUNA_EMERGENCY_COUNTDOWN_SECONDS: String(COUNTDOWN_SECONDS),
  });
  // The residents come from an existing registrant list, by the CLI, while the server runs.
  const imported = await kizuna.cli(['subscribers', 'import', kizuna.file('residents.csv', RESIDENTS_CSV)]);
  assert.match(imported, /7 rows: 7 added/);
  browser = await launchBrowser();
});

after(async () => {
  // A journey that failed half-way may leave a message held: let it go so Kizuna can stop.
  sink?.release();
  await browser?.close();
  await kizuna?.stop();
  await sink?.stop();
});

const url = (where) => `${kizuna.baseUrl}${where}`;
const { check, withoutJavaScript } = pageChecker();
/** Browser contexts, one per person, each with its own session cookie. */
const { people, newPerson, signIn, changePassword, enrolSecondFactor } =
  staffConsole({ browser: () => browser, url, check, withoutJavaScript });
const mailOf = (id) => mailOfNotice(sink, id);

/** Creates a staff account of 横瀬町 on /admin/staff/new; answers its one-time password. */
async function createStaff(page, email, role, emergency) {
  await page.goto(url('/admin/staff'));
  await check(page, 'staff list');
  await go(page, 'main a[href="/admin/staff/new"]');
  await check(page, 'new staff account form');
  await page.fill('#email', email);
  await page.check(`#role-${role}`);
  await page.selectOption('#municipality', YOKOZE);
  if (emergency) await page.check('#emergency');
  await go(page, 'main form[action="/admin/staff/new"] button[type=submit]');
  await check(page, 'one-time password shown');
  const password = (await page.textContent('code.one-time-password')).trim();
  assert.ok(password.length >= 12, 'a one-time password is shown');
  await go(page, 'main a[href="/admin/staff"]');
  await go(page, `main table a:has-text("${email}")`);
  assert.equal(await page.inputValue('#municipality'), YOKOZE);
  assert.ok(await page.isChecked(`#role-${role}`));
  await check(page, 'staff account');
  return password;
}

test('the first admin signs in with the printed one-time password, must change it, and sets up TOTP', async () => {
  assert.ok(kizuna.firstAdmin.email && kizuna.firstAdmin.password, 'the first start prints the admin and a password');
  const page = await newPerson('admin');
  await page.goto(url('/admin'));
  assert.equal(pathOf(page), '/admin/login', 'the console asks for a sign-in');

  // A wrong password first: an error tied to its field, the page still accessible.
  await page.fill('#email', kizuna.firstAdmin.email);
  await page.fill('#password', 'not-the-password');
  await go(page, 'main form[action="/admin/login"] button[type=submit]');
  assert.equal(pathOf(page), '/admin/login');
  await check(page, 'sign-in with an error');

  // axe runs under the console's Content-Security-Policy and catches what it should.
  await page.evaluate(() => document.querySelector('main').insertAdjacentHTML('beforeend', '<input type="text">'));
  await assert.rejects(assertAccessible(page, 'sign-in with an unlabelled field'), /label/);

  await signIn(page, kizuna.firstAdmin.email, kizuna.firstAdmin.password, 'sign-in');
  // Nothing else opens before the password is changed.
  await page.goto(url('/admin/staff'));
  assert.equal(pathOf(page), '/admin/password');
  await page.fill('#current_password', kizuna.firstAdmin.password);
  await page.fill('#new_password', 'short');
  await page.fill('#new_password_confirm', 'short');
  await go(page, 'main form[action="/admin/password"] button[type=submit]');
  await check(page, 'password change with an error');
  await changePassword(page, kizuna.firstAdmin.password, PASSWORDS.admin, 'password change');
  await enrolSecondFactor(page, 'second factor set-up');
  await check(page, 'consortium admin home');
});

test('a notice of 横瀬町 is written, returned, fixed, approved and sent; the count is what the relay receives', async (t) => {
  const admin = people.admin.page;
  const authorPassword = await createStaff(admin, 'sakusei@town.yokoze.example.jp', 'author', false);
  const approverPassword = await createStaff(admin, 'shounin@town.yokoze.example.jp', 'approver', false);
  accounts.author = { email: 'sakusei@town.yokoze.example.jp' };
  accounts.approver = { email: 'shounin@town.yokoze.example.jp' };

  // The author: first sign-in, the password changed, no second factor asked.
  const author = await newPerson('author');
  await signIn(author, accounts.author.email, authorPassword);
  await changePassword(author, authorPassword, PASSWORDS.author, 'password change');
  assert.equal(pathOf(author), '/admin');
  await check(author, 'author home');
  await go(author, 'main a[href="/admin/notices/new"]');
  await check(author, 'compose');

  // Characters an old phone's ISO-2022-JP cannot carry are flagged as one types.
  await compose(author, {
    title: '①番窓口の臨時休業について',
    body: '髙橋課長の窓口（①番）は、11月26日午前中お休みします。\n御用の方は②番窓口へお越しください。',
    category: 'notice',
  });
  await author.waitForSelector('#preview mark.changed');
  const flagged = await author.$$eval('#preview mark.changed', (marks) => marks.map((m) => m.textContent));
  assert.ok(flagged.some((t) => t.includes('①') && t.includes('(1)')), `① is flagged: ${flagged}`);
  assert.ok(flagged.some((t) => t.includes('髙') && t.includes('高')), `髙 is flagged: ${flagged}`);
  await check(author, 'compose with the live preview');
  await go(author, 'button[name=action][value=save]');
  const id = noticeId(author);
  await check(author, 'notice page (draft)');
  await go(author, `main a[href="/admin/notices/${id}/submit"]`);
  assert.equal(number(await author.textContent('.counts-panel .big-number')), NORMAL_RECIPIENTS.length);
  await check(author, 'submit (pre-send count)');
  await go(author, `main form[action="/admin/notices/${id}/submit"] button[type=submit]`);
  assert.equal(pathOf(author), `/admin/notices/${id}`);

  // The approver returns it, with a comment (required).
  const approver = await newPerson('approver', { viewport: { width: 1280, height: 900 } });
  await signIn(approver, accounts.approver.email, approverPassword);
  await changePassword(approver, approverPassword, PASSWORDS.approver, 'password change');
  await check(approver, 'approver home');
  assert.match(await approver.textContent('main'), /①番窓口の臨時休業/, 'what waits for approval is on the home page');
  await go(approver, `main a[href="/admin/notices/${id}"]`);
  await check(approver, 'notice page (waiting for approval)');
  await go(approver, `main a[href="/admin/notices/${id}/return"]`);
  await check(approver, 'return');
  await go(approver, `main form[action="/admin/notices/${id}/return"] button[type=submit]`);
  assert.equal(await approver.getAttribute('#note', 'aria-invalid'), 'true', 'a return needs a comment');
  await check(approver, 'return without a comment');
  const comment = '丸数字と髙は古い携帯で化けます。「1番」「高橋」と書いてください。';
  await approver.fill('#note', comment);
  await go(approver, `main form[action="/admin/notices/${id}/return"] button[type=submit]`);
  await check(approver, 'notice page (returned)');

  // The author sees the comment, fixes the notice and submits it again.
  await author.goto(url('/admin'));
  assert.match(await author.textContent('main .return-note'), /古い携帯で化けます/);
  await check(author, 'author home with a returned notice');
  await go(author, `main a[href="/admin/notices/${id}"]`);
  assert.match(await author.textContent('main .history'), /古い携帯で化けます/);
  await go(author, `main a[href="/admin/notices/${id}/edit"]`);
  await check(author, 'edit');
  await author.fill('#title', '1番窓口の臨時休業について');
  await author.fill('#body', '高橋課長の窓口（1番）は、11月26日午前中お休みします。\n御用の方は2番窓口へお越しください。');
  await author.waitForFunction(() => {
    const subject = document.querySelector('#preview .phone-subject')?.textContent ?? '';
    return subject.includes('1番窓口') && !subject.includes('①');
  });
  assert.equal(await author.$$eval('#preview mark.changed', (marks) => marks.length), 0, 'nothing is flagged now');
  await go(author, 'button[name=action][value=save]');
  await go(author, `main a[href="/admin/notices/${id}/submit"]`);
  await go(author, `main form[action="/admin/notices/${id}/submit"] button[type=submit]`);

  // The approver sees what changed, approves and sends.
  await approver.goto(url(`/admin/notices/${id}`));
  const removed = await approver.$$eval('main .diff del', (lines) => lines.map((l) => l.textContent).join('\n'));
  const added = await approver.$$eval('main .diff ins', (lines) => lines.map((l) => l.textContent).join('\n'));
  assert.match(removed, /①番窓口/);
  assert.match(removed, /髙橋課長/);
  assert.match(added, /1番窓口/);
  assert.match(added, /高橋課長/);
  await check(approver, 'notice page with the changes');
  await go(approver, `main a[href="/admin/notices/${id}/approve"]`);
  await check(approver, 'approve (pre-send count)');
  await go(approver, `main form[action="/admin/notices/${id}/approve"] button[type=submit]`);
  await go(approver, `main a[href="/admin/notices/${id}/send"]`);
  const count = number(await approver.textContent('.counts-panel .big-number'));
  const towns = await approver.$$eval('.counts-panel tbody tr', (rows) => rows.map((r) => r.textContent));
  assert.deepEqual(towns.map((t) => t.replace(/\s+/g, '').replace(/[\u2066-\u2069]/g, '')), [`横瀬町${count}人`]);
  assert.match(await approver.textContent('.counts-panel'), /「緊急情報のみ」を選んだ.?1.?人には届きません/);
  await check(approver, 'send (pre-send count)');
  assert.equal(sink.messages.length, 0);
  await go(approver, `main form[action="/admin/notices/${id}/send"] button[type=submit]`);
  assert.equal(pathOf(approver), `/admin/notices/${id}`);

  // Every message but the held one reaches the relay; the progress is not done.
  await waitFor(() => sink.messages.length >= count - 1, `${count - 1} messages at the relay`, 20);
  const shown = async () => {
    const percent = await approver.textContent('[data-field="percent-text"]').catch(() => null);
    const summary = await approver.textContent('[data-field="summary"]').catch(() => null);
    return { percent: percent === null ? null : Number(percent), summary };
  };
  const unfinishedUntil = Date.now() + 2500;
  while (Date.now() < unfinishedUntil) {
    const now = await shown();
    assert.ok(now.percent === null || now.percent < 100, `the progress says ${now.percent} % with a message unsent`);
    assert.ok(!/完了しました/.test(now.summary ?? ''), `"finished" with a message unsent: ${now.summary}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const before = await shown();
  assert.ok(!(await approver.isVisible('main section.progress [data-without-script]')),
    'with JavaScript the page keeps itself up to date and says nothing about refreshing it');
  // Every message the relay took is counted at once, not when the whole batch
  // (up to 1,000 messages) is answered: listmonk's "progress counts batches".
  assert.equal(before.percent, Math.floor((count - 1) * 100 / count),
    'the progress counts each message the relay accepted');
  // Without JavaScript the page says the same, with a link to refresh it.
  const plain = await newPerson('approver-plain', { javaScriptEnabled: false });
  await plain.context().addCookies(await approver.context().cookies());
  await plain.goto(url(`/admin/notices/${id}`));
  assert.equal(await plain.getAttribute('progress', 'value'), String(before.percent));
  assert.equal(await plain.$('meta[http-equiv=refresh]'), null, 'no timed refresh (WCAG 2.2.1)');
  await go(plain, `main section.progress a[href="/admin/notices/${id}"]`);
  assert.equal(await plain.getAttribute('progress', 'value'), String(before.percent));
  await check(plain, 'notice page while sending [no JavaScript]');
  await people['approver-plain'].context.close();

  // Let go of the held message: 100 % and "finished" come only after the relay has it.
  sink.release();
  await waitFor(async () => {
    const now = await shown();
    if (now.percent === 100 || /完了しました/.test(now.summary ?? '')) {
      assert.equal(sink.messages.length, count, 'the progress reached 100 % before the relay had every message');
      return /完了しました/.test(now.summary ?? '') && now.percent === 100;
    }
    return false;
  }, 'the progress to reach 100 % and finished', 20);
  assert.deepEqual(mailOf(id).flatMap((m) => m.rcpt_tos).sort(), NORMAL_RECIPIENTS,
    'the relay received the notice for exactly the counted residents');
  assert.equal(count, NORMAL_RECIPIENTS.length);
  assert.equal(mailOf(id).length, count);
  for (const message of mailOf(id)) {
    const { subject, text } = decoded(message);
    assert.equal(subject, '1番窓口の臨時休業について', 'the approved version went out');
    assert.match(text, /高橋課長の窓口（1番）は/);
  }
  await approver.waitForSelector('main section.progress:not([data-progress])');
  await check(approver, 'notice page (sent, finished)');
});

test('an approver with the emergency right, signed in with TOTP, sends an emergency through the countdown and stops another', async () => {
  const admin = people.admin.page;
  const password = await createStaff(admin, 'kinkyu@town.yokoze.example.jp', 'approver', true);
  const page = await newPerson('emergency');
  await signIn(page, 'kinkyu@town.yokoze.example.jp', password);
  await changePassword(page, password, PASSWORDS.emergency);
  const app = await enrolSecondFactor(page, 'second factor set-up');

  // Sign out and in again: the password alone is not enough.
  await go(page, 'header form[action="/admin/logout"] button[type=submit]');
  await signIn(page, 'kinkyu@town.yokoze.example.jp', PASSWORDS.emergency);
  assert.equal(pathOf(page), '/admin/second-factor');
  await check(page, 'second factor at sign-in');
  await page.goto(url('/admin/notices/new'));
  assert.equal(pathOf(page), '/admin/second-factor', 'nothing opens before the code');
  await page.fill('#code', await app.code());
  await go(page, 'main form[action="/admin/second-factor"] button[type=submit]');
  assert.equal(pathOf(page), '/admin');
  await check(page, 'home (approver with the emergency right)');

  // (The journey above lets go of the message it holds; this one needs none held.)
  sink.release();
  const writeEmergency = async (title) => {
    await page.goto(url('/admin/notices/new'));
    await compose(page, {
      title,
      body: '横瀬川の水位が上がっています。川沿いの方はただちに横瀬小学校へ避難してください。',
      category: 'disaster',
      emergency: true,
    });
    await go(page, 'button[name=action][value=save]');
    const id = noticeId(page);
    await go(page, `main a[href="/admin/notices/${id}/emergency"]`);
    return id;
  };

  // A mistaken one is stopped during its countdown.
  const stopped = await writeEmergency('【緊急】避難指示（誤り）');
  await go(page, `main form[action="/admin/notices/${stopped}/emergency"] button[type=submit]`);
  const stoppedArmedAt = Date.now();
  await go(page, `.countdown form[action="/admin/notices/${stopped}/cancel"] button[type=submit]`);
  assert.equal(pathOf(page), `/admin/notices/${stopped}`);
  assert.ok(!(await page.isVisible('.countdown')), 'no countdown after stopping');
  assert.match(await status(page), /取り消/);
  await check(page, 'emergency stopped during its countdown');

  // The right one goes out after its countdown, within seconds.
  const id = await writeEmergency('【緊急】横瀬川の増水による避難指示');
  assert.equal(number(await page.textContent('.counts-panel .big-number')), EMERGENCY_RECIPIENTS.length,
    'an emergency also reaches those who chose emergencies only');
  assert.match(await page.textContent('main'), new RegExp(`${COUNTDOWN_SECONDS}`));
  await check(page, 'emergency confirmation');
  const armedAt = Date.now();
  await go(page, `main form[action="/admin/notices/${id}/emergency"] button[type=submit]`);
  assert.ok(await page.isVisible('.countdown'), 'the countdown is shown');
  await check(page, 'countdown', { copy: true });
  await waitFor(() => mailOf(id).length >= EMERGENCY_RECIPIENTS.length, 'the emergency at the relay',
    COUNTDOWN_SECONDS + 10).catch((error) => {
    throw new Error(`${error.message}; the relay has ${JSON.stringify(sink.recipients())}\n${kizuna.log().slice(-3000)}`);
  });
  const seconds = (Date.now() - armedAt) / 1000;
  assert.ok(seconds >= COUNTDOWN_SECONDS, `sent after ${seconds} s, before its countdown ended`);
  assert.ok(seconds < COUNTDOWN_SECONDS + 5, `the emergency took ${seconds} s after its countdown`);
  assert.deepEqual(mailOf(id).flatMap((m) => m.rcpt_tos).sort(), EMERGENCY_RECIPIENTS);
  assert.equal(decoded(mailOf(id)[0]).subject, '【緊急】横瀬川の増水による避難指示');
  // The countdown page turns into the progress by itself.
  await page.waitForSelector('main section.progress:not([data-progress])', { timeout: 15000 });
  assert.match(await page.textContent('[data-field="summary"]'), /完了しました/);
  await check(page, 'emergency notice (sent)');

  // The stopped one, past its countdown and a scheduler round (every 5 s): nothing went out.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, stoppedArmedAt + (COUNTDOWN_SECONDS + 6) * 1000 - Date.now())));
  assert.equal(mailOf(stopped).length, 0, 'a stopped emergency sent mail');
  await page.goto(url(`/admin/notices/${stopped}`));
  assert.match(await status(page), /取り消/);
  assert.equal(await page.$('main section.progress'), null, 'no delivery of a stopped emergency');
});

test('writing, previewing, saving and submitting work without JavaScript', async () => {
  const page = await newPerson('author-plain', { javaScriptEnabled: false });
  await signIn(page, accounts.author.email, PASSWORDS.author);
  assert.equal(pathOf(page), '/admin');
  await check(page, 'author home [no JavaScript]');
  await go(page, 'main a[href="/admin/notices/new"]');
  await compose(page, {
    title: '㈱横瀬建設による道路工事のお知らせ',
    body: '町道①号線で11月27日に舗装工事を行います。',
    category: 'notice',
  });
  await go(page, 'button[name=action][value=preview]');
  assert.equal(pathOf(page), '/admin/notices/new', 'the preview button shows the form again');
  const flagged = await page.$$eval('#preview mark.changed', (marks) => marks.map((m) => m.textContent));
  assert.ok(flagged.some((t) => t.includes('㈱')), `㈱ is flagged without JavaScript: ${flagged}`);
  assert.equal(await page.inputValue('#title'), '㈱横瀬建設による道路工事のお知らせ', 'what was typed is kept');
  await check(page, 'compose with the preview [no JavaScript]');
  await go(page, 'button[name=action][value=save]');
  const id = noticeId(page);
  await check(page, 'notice page [no JavaScript]');
  await go(page, `main a[href="/admin/notices/${id}/submit"]`);
  assert.equal(number(await page.textContent('.counts-panel .big-number')), NORMAL_RECIPIENTS.length);
  await check(page, 'submit [no JavaScript]');
  await go(page, `main form[action="/admin/notices/${id}/submit"] button[type=submit]`);
  assert.equal(pathOf(page), `/admin/notices/${id}`);
  assert.match(await status(page), /承認待ち/);
});
