// The residents' journeys in a real browser: register on the web and confirm
// from the mail, change choices, unsubscribe; and register by empty mail. axe-core
// checks every page visited, in both languages, at 320 px, with form errors, and
// once without JavaScript.
import assert from 'node:assert/strict';
import net from 'node:net';
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

/** The text part of the newest mail to `address`, decoded. */
function lastMailTo(address) {
  const mail = kizuna.outbox().filter((m) => m.includes(address)).at(-1);
  assert.ok(mail, `no mail to ${address}`);
  const [head, ...rest] = mail.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n');
  // Carrier addresses (docomo, au, SoftBank) get 7bit ISO-2022-JP, which old phones show.
  if (/charset=ISO-2022-JP/i.test(head)) return new TextDecoder('iso-2022-jp').decode(Buffer.from(body, 'latin1'));
  return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
}

function linkIn(text, path) {
  const match = text.match(new RegExp(`https?://\\S+${path}\\S+`));
  assert.ok(match, `no ${path} link in:\n${text}`);
  return match[0];
}

/** Opens a page at 320 px in `lang` and checks it with axe. */
async function openChecked(url, label, lang = 'ja') {
  const context = await browser.newContext({ viewport: { width: 320, height: 800 }, locale: lang === 'en' ? 'en-US' : 'ja-JP' });
  const page = await context.newPage();
  await page.goto(url);
  await assertAccessible(page, label);
  return { page, context };
}

test('a resident registers on the web, confirms from the mail, changes choices and unsubscribes', async () => {
  await visitEverywhere(browser, `${kizuna.baseUrl}/register`, 'register');
  await visitEverywhere(browser, `${kizuna.baseUrl}/privacy`, 'privacy');

  const { page, context } = await openChecked(`${kizuna.baseUrl}/register`, 'register form');
  // A mistake first: the error is tied to its field and the page stays accessible.
  await page.fill('#email', 'taro@@example');
  await page.click('button[type=submit]');
  assert.equal(await page.getAttribute('#email', 'aria-invalid'), 'true');
  await assertAccessible(page, 'register form with errors [ja, 320px]');
  const describedBy = await page.getAttribute('#email', 'aria-describedby');
  assert.match(describedBy, /email-error/);

  await page.fill('#email', 'ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ');
  await page.check('input[name=municipality][value="113620"]');
  await page.click('button[type=submit]');
  await assertAccessible(page, 'mail sent page');
  const mail = lastMailTo('taro@example.jp');
  const confirm = linkIn(mail, '/confirm/');

  await visitEverywhere(browser, confirm, 'confirm (GET shows a button only)');
  await page.goto(confirm);
  await assertAccessible(page, 'confirm page');
  await page.click('button[type=submit]');
  assert.match(await page.textContent('h1'), /登録が完了しました/);
  await assertAccessible(page, 'confirmed page');

  await page.click('text=登録内容を変更する');
  await assertAccessible(page, 'manage page');
  await page.check('input[name=category][value="event"]');
  await page.check('#language-en');
  await page.click('button[type=submit]');
  await assertAccessible(page, 'manage page after saving');
  const manageUrl = page.url();
  await visitEverywhere(browser, manageUrl.split('?')[0], 'manage');

  const unsubscribe = manageUrl.split('?')[0].replace('/manage/', '/unsubscribe/');
  await visitEverywhere(browser, unsubscribe, 'unsubscribe (GET shows a button only)');
  await page.goto(unsubscribe);
  await assertAccessible(page, 'unsubscribe page');
  await page.click('button[type=submit]');
  await assertAccessible(page, 'unsubscribed page');
  assert.match(await page.textContent('main'), /停止|stopped/i);
  await context.close();
});

test('registration works without JavaScript and its error page is accessible', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${kizuna.baseUrl}/register?lang=en`);
  await page.fill('#email', '<script>alert(1)</script>');
  await page.click('button[type=submit]');
  const html = await page.content();
  assert.ok(!html.includes('<script>alert(1)</script>'), 'hostile input is escaped');
  await context.close();
  const { status } = await visitWithoutJavaScript(browser, `${kizuna.baseUrl}/register?lang=en`, 'register');
  assert.equal(status, 200);
  const checker = await browser.newContext({ viewport: { width: 320, height: 800 } });
  const twin = await checker.newPage();
  await twin.setContent(html, { waitUntil: 'load' });
  await assertAccessible(twin, 'register errors without JavaScript [en]');
  await checker.close();
});

/** Speaks SMTP like a phone's mail app sending an empty mail. */
function sendEmptyMail(smtpUrl, from, to) {
  const { hostname, port } = new URL(smtpUrl);
  const lines = [`EHLO phone.example.net`, `MAIL FROM:<${from}>`, `RCPT TO:<${to}>`, 'DATA',
    `From: ${from}\r\nTo: ${to}\r\nSubject: \r\n\r\n.`, 'QUIT'];
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: hostname, port: Number(port) });
    let buffer = '';
    const replies = [];
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      let end;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (line[3] === '-') continue;
        replies.push(line);
        const next = lines.shift();
        if (next !== undefined) socket.write(`${next}\r\n`);
      }
    });
    socket.on('close', () => resolve(replies));
    socket.on('error', reject);
  });
}

test('an empty mail brings a reply whose link registers the resident', async () => {
  const replies = await sendEmptyMail(kizuna.smtpUrl, 'hanako@docomo.ne.jp', 'touroku+113654@anshin.example.jp');
  assert.ok(replies.some((r) => r.startsWith('250') && /accepted/i.test(r)), replies.join('\n'));
  const reply = lastMailTo('hanako@docomo.ne.jp');
  const link = linkIn(reply, '/register/mail/');
  const { page, context } = await openChecked(link, 'empty-mail registration form');
  assert.equal(await page.inputValue('#email'), 'hanako@docomo.ne.jp');
  assert.ok(await page.isChecked('input[name=municipality][value="113654"]'), 'the poster town is ticked');
  await page.click('button[type=submit]');
  assert.match(await page.textContent('h1'), /登録が完了しました/);
  await assertAccessible(page, 'empty-mail registration done');
  await context.close();
  await visitEverywhere(browser, link.split('?')[0], 'used empty-mail link (friendly page)');
});
