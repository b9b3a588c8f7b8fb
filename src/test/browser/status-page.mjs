// Ferry's status page in headless Chromium (Debian's /usr/bin/chromium), driven by playwright-core.
// Run by dev.ferry.StatusPageBrowserIT against `./ferry serve`:
//   node status-page.mjs URL USER PASSWORD SCREENSHOT_DIR
// Exits 0 when every step passed, 1 naming the step that failed. Screenshots: SCREENSHOT_DIR/*.png.
import { chromium } from 'playwright-core';

// With a fifth argument, two-way: only resolve the two-way conflict listed by clicking Keep B.
const [url, user, password, shots, mode] = process.argv.slice(2);
if (!url || !user || !password || !shots) {
  console.error('usage: node status-page.mjs URL USER PASSWORD SCREENSHOT_DIR [two-way]');
  process.exit(2);
}
const base = url.endsWith('/') ? url : url + '/';
let step = 'start';
const say = (text) => { step = text; console.log('step: ' + text); };
function check(condition, message) {
  if (!condition) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
let failed = false;

/** A two-way conflict: both databases' versions under A and B, resolved by Keep B. */
async function twoWay() {
  const context = await browser.newContext({
    httpCredentials: { username: user, password },
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  say('see a two-way conflict with A\'s and B\'s versions and Keep A / Keep B');
  await page.goto(base + '#conflicts', { waitUntil: 'networkidle' });
  await page.locator('.conflict').first().waitFor();
  const x = page.locator('.conflict').first();
  const heads = await x.locator('table.versions thead').textContent();
  check(heads.includes('A \u00b7 first database') && heads.includes('B \u00b7 second database'), 'the headers say: ' + heads);
  check(await x.locator('button.keep-a').count() === 1 && await x.locator('button.keep-b').count() === 1, 'no Keep A / Keep B');
  check(await x.locator('button.keep-source').count() === 0, 'a two-way conflict offers production\'s version');
  check(await x.locator('tr.differs').count() >= 1, 'no differing column marked');
  await page.screenshot({ path: shots + '/conflicts-two-way.png', fullPage: true });
  say('resolve it by clicking Keep B');
  await x.locator('button.keep-b').click();
  await page.waitForFunction(() => document.getElementById('notice').textContent.includes('kept B'));
  await page.waitForFunction(() => document.querySelectorAll('.conflict').length === 0);
  await page.screenshot({ path: shots + '/conflicts-two-way-resolved.png', fullPage: true });
  check(errors.length === 0, 'the page logged errors: ' + errors.join(' | '));
  console.log('two-way conflict resolved: kept B');
  await context.close();
}

try {
  if (mode === 'two-way') {
    await twoWay();
  } else {
    // nothing but 401 without credentials: the browser's own prompt, no login form, nothing of the page
    say('a request without credentials gets 401 and nothing else');
    const anonymous = await browser.newContext();
    const denied = await anonymous.request.get(base);
    check(denied.status() === 401, 'expected 401 without credentials, got ' + denied.status());
    check((denied.headers()['www-authenticate'] || '').startsWith('Basic realm="ferry"'), 'no Basic challenge');
    check(!(await denied.text()).includes('<'), 'the 401 answer holds markup');
    await anonymous.close();

    const context = await browser.newContext({
      httpCredentials: { username: user, password },
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('dialog', (d) => d.accept());

    say('authenticate and see the last run with its tables and status');
    await page.goto(base, { waitUntil: 'networkidle' });
    await page.locator('#runs tr.run-row').first().waitFor();
    const firstRun = page.locator('#runs tbody tr.run-row').first();
    check((await firstRun.locator('.pill').innerText()) === 'PARTIAL', 'the last run is not shown PARTIAL');
    const firstTable = page.locator('#runs tbody tr.table-row').first();
    check((await firstTable.innerText()).includes('book'), 'the last run shows no book table');
    check((await firstTable.innerText()).includes('dead-lettered'), 'the table row does not say its dead letters');
    check(await page.locator('.trend svg polyline.line-rows').count() >= 1, 'no trend chart');
    check((await page.locator('#schedule').innerText()).startsWith('Next scheduled run'), 'no next scheduled run');
    const html = await page.content();
    check(!html.includes(password), 'the page shows the password');
    check(!html.includes('jdbc:'), 'the page shows a connection string');
    await page.screenshot({ path: shots + '/runs.png', fullPage: true });

    say('open a dead letter and replay it');
    await page.click('nav a[data-view="dead-letters"]');
    await page.locator('tr.dead-letter').first().waitFor();
    const dead = page.locator('tr.dead-letter').first();
    check((await dead.innerText()).includes('23514'), 'the dead letter shows no SQLState');
    check((await dead.innerText()).includes('dev_only'), 'the dead letter shows no reason');
    await dead.click();
    await page.locator('table.values').first().waitFor();
    check((await page.locator('table.values').first().innerText()).includes('owner_id'), 'the stored values are not shown');
    await page.screenshot({ path: shots + '/dead-letters.png', fullPage: true });
    const groups = await page.locator('.group').count();
    await page.locator('.group').first().locator('button.replay').click();
    await page.waitForFunction(() => document.getElementById('notice').textContent.startsWith('Replayed'));
    const replayed = await page.locator('#notice').innerText();
    check(/Replayed: [1-9][0-9]* landed, 0 still rejected/.test(replayed), 'replay said: ' + replayed);
    await page.waitForFunction((n) => document.querySelectorAll('.group').length < n, groups);

    say('resolve a conflict, keeping production\'s version');
    await page.click('nav a[data-view="conflicts"]');
    await page.locator('.conflict').first().waitFor();
    const conflicts = await page.locator('.conflict').count();
    const marked = await page.locator('.conflict').first().locator('tr.differs td:first-child').allInnerTexts();
    check(marked.some((t) => t.includes('title')), 'the differing column title is not marked: ' + marked.join(', '));
    await page.screenshot({ path: shots + '/conflicts.png', fullPage: true });
    await page.locator('.conflict').first().locator('button.keep-source').click();
    await page.waitForFunction(() => document.getElementById('notice').textContent.includes('resolved: kept production'));
    await page.waitForFunction((n) => document.querySelectorAll('.conflict').length === n - 1, conflicts);

    say('start a run by button and watch its progress reach SUCCESS');
    await page.click('nav a[data-view="runs"]');
    await page.locator('#run-all').waitFor();
    const before = await page.locator('#runs tbody tr.run-row').first().getAttribute('data-run');
    await page.click('#run-all');
    await page.locator('#progress .bar').first().waitFor({ timeout: 30000 });
    // the first batches landed: rows counted, rows/s and batch n of m shown (or the run is already over)
    await page.waitForFunction(() => {
      const bar = document.querySelector('#progress .bar > span');
      return !bar || Number(bar.dataset.pct) > 0;
    }, null, { timeout: 60000 });
    if (await page.locator('#progress .bar').count()) {
      check(/rows\/s/.test(await page.locator('#progress').innerText()), 'the progress shows no rows/s');
    }
    await page.screenshot({ path: shots + '/progress.png', fullPage: true });
    await page.waitForFunction((old) => {
      const row = document.querySelector('#runs tbody tr.run-row');
      return row && row.dataset.run !== old && row.querySelector('.pill').textContent === 'SUCCESS';
    }, before, { timeout: 120000 });
    const runId = await page.locator('#runs tbody tr.run-row').first().getAttribute('data-run');
    await page.locator('#runs tbody tr.run-row').first().click();
    await page.locator('#run-status .pill').waitFor();
    check((await page.locator('#run-status').innerText()) === 'SUCCESS', 'the run page does not say SUCCESS');
    check((await page.locator('#run-tables').innerText()).includes('book'), 'the run page shows no table');
    await page.screenshot({ path: shots + '/run.png', fullPage: true });
    console.log('run ' + runId + ' reached SUCCESS');

    check(errors.length === 0, 'the page logged errors: ' + errors.join(' | '));
    await context.close();
  }
} catch (e) {
  failed = true;
  console.error('FAILED at step "' + step + '": ' + e.message);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
