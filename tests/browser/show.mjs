// Show view: upload a photo, wait for the description, report the JSON the gateway returned and
// where each overlay box and the picture are on screen, so the test can check the boxes' places.
// node show.mjs --url=http://127.0.0.1:PORT/ --photo=FILE --screenshot=OUT.png [--question=…]

import { scenario, notices } from './lib/browser.mjs';

await scenario(async (a, launch) => {
  const { page } = await launch();
  await page.goto(`${a.url}#show`);
  await page.waitForSelector('body[data-ready=true]');
  if (a.question) await page.fill('#show-prompt', a.question);
  const answer = page.waitForResponse(r => r.url().endsWith('/v1/images/describe'), { timeout: 60000 });
  await page.setInputFiles('#show-file', a.photo);
  const response = await answer;
  const json = await response.json();
  await page.waitForSelector('#show-description-text', { timeout: 30000 });
  await page.waitForFunction(() => document.getElementById('show-image').complete);
  const layout = await page.evaluate(() => {
    const rect = el => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; };
    return {
      image: rect(document.getElementById('show-image')),
      boxes: [...document.querySelectorAll('#show-overlay .box')].map(b => ({
        kind: b.dataset.kind, index: Number(b.dataset.index), label: b.textContent, rect: rect(b),
        border: parseFloat(getComputedStyle(b).borderLeftWidth),
      })),
      description: document.getElementById('show-description-text').textContent,
      listed: [...document.querySelectorAll('#show-list li')].map(li => li.textContent),
      meta: document.getElementById('show-meta').textContent,
    };
  });
  await page.screenshot({ path: a.screenshot, fullPage: true });
  const shownNotices = await notices(page);

  // Keyboard only: from the Show tab, two presses of the right arrow reach Status.
  await page.focus('#tab-show');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const statusSelected = await page.$eval('#tab-status', t => t.getAttribute('aria-selected'));
  await page.waitForSelector('#status-models tbody tr', { timeout: 10000 }).catch(() => {});
  const statusModels = await page.$$eval('#status-models tbody tr', rows => rows.length);
  return { status: response.status(), json, ...layout, notices: shownNotices, statusSelectedByKeyboard: statusSelected, statusModels };
});
