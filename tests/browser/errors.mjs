// What a person reads when things go wrong: the microphone and camera denied (no fake permission UI,
// so headless chromium refuses them), an image that is not an image, and the gateway unreachable.
// node errors.mjs --url=… --notimage=FILE.txt --screenshot=OUT.png

import { scenario, notices } from './lib/browser.mjs';

const noticeMatching = (page, pattern) => page.waitForFunction(
  p => [...document.querySelectorAll('#notices .notice > span')].some(s => new RegExp(p, 'i').test(s.textContent)),
  pattern, { timeout: 15000 }).then(() => true).catch(() => false);

await scenario(async (a, launch) => {
  const { page, context } = await launch({ grantMedia: false });
  await page.goto(`${a.url}#talk`);
  await page.waitForSelector('body[data-ready=true]');
  await page.waitForSelector('#connection[data-state=up]');

  await page.click('#mic');
  const micDenied = await noticeMatching(page, 'microphone was denied');
  const micButtonReset = await page.$eval('#mic', b => b.getAttribute('aria-pressed'));

  await page.click('#tab-watch');
  await page.click('#watch-start');
  const cameraDenied = await noticeMatching(page, 'camera was denied');

  await page.click('#tab-show');
  await page.setInputFiles('#show-file', a.notimage);
  const notImage = await noticeMatching(page, 'is not an image');

  await context.setOffline(true);
  await page.click('#tab-status');   // showing Status refreshes at once
  const unreachable = await noticeMatching(page, 'Cannot reach the gateway');
  const header = await page.$eval('#connection', el => ({ state: el.dataset.state, text: el.textContent }));
  await page.screenshot({ path: a.screenshot, fullPage: true });
  const shown = await notices(page);
  await context.setOffline(false);
  return { micDenied, micButtonReset, cameraDenied, notImage, unreachable, header, notices: shown };
});
