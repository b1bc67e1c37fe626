// SPDX-License-Identifier: GPL-3.0-or-later
//
// A real visitor in Debian's headless Chromium: opens the booking page, picks
// the first free slot, books, sees the confirmation, follows the private
// cancel link and cancels. Usage: node book.mjs BASE_URL SLUG
// Exits non-zero (with the reason) on any failure.
import { chromium } from 'playwright-core';

const [base, slug] = process.argv.slice(2);
if (!base || !slug) {
  console.error('usage: node book.mjs BASE_URL SLUG');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.BK_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
  timeout: 60000,
});

function expect(cond, what) {
  if (!cond) throw new Error(`expected ${what}`);
}

try {
  // A phone-sized window: the page must work there too.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 },
                                             timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  await page.goto(`${base}/book/${slug}`);
  // The little script switches to the browser's own zone.
  await page.waitForURL(/tz=Asia%2FTokyo/, { timeout: 10000 });
  expect((await page.locator('#tz').inputValue()) === 'Asia/Tokyo', 'the visitor zone to be chosen');
  const heading = await page.locator('h1').textContent();
  console.log(`page: ${heading}`);

  const slots = page.locator('label.slot');
  expect(await slots.count() > 0, 'free slots on the page');
  const label = (await slots.first().textContent()).trim();
  await slots.first().click();
  await page.fill('input[name=name]', 'Browser Visitor');
  await page.fill('input[name=email]', 'visitor@example.org');
  await page.fill('textarea[name=note]', 'Booked from headless Chromium <b>not bold</b>');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("Book")')]);

  const confirmation = page.locator("#confirmation");
  if (!(await confirmation.isVisible())) console.error(await page.content());
  expect(await confirmation.isVisible(), 'the confirmation');
  const text = await confirmation.textContent();
  expect(text.includes(label.split('–')[0]), `the confirmation to show ${label}`);
  console.log(`booked: ${label}`);

  const link = await page.locator('#cancel-link').getAttribute('href');
  expect(link && link.includes('/book/cancel?token='), 'a private cancel link');
  await page.goto(link);
  await Promise.all([page.waitForNavigation(), page.click('button.danger')]);
  expect((await page.locator('h1').textContent()).includes('cancelled'), 'the cancelled page');
  console.log('cancelled');

  // The slot is offered again.
  await page.goto(`${base}/book/${slug}?tz=Asia/Tokyo`);
  expect((await page.locator('label.slot').first().textContent()).trim() === label, 'the slot to be free again');
  expect(errors.length === 0, `no script errors, got ${errors.join('; ')}`);
  await context.close();
} catch (e) {
  console.error(`browser test failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
