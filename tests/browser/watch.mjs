// Watch view: start the (fake) camera, let it stream to /v1/video for --seconds after the first
// analysis, and report how many frame.analysis events arrived, the overlays and the event log.
// node watch.mjs --url=… --video=FILE.y4m --screenshot=OUT.png [--seconds=6] [--fps=4] [--analyzers=objects,faces]

import { scenario, notices } from './lib/browser.mjs';

await scenario(async (a, launch) => {
  const { page } = await launch({ video: a.video });
  // The gateway's own figures for each analysis: when it arrived here, its latency and the work it did (timings_ms).
  const analyses = [];
  page.on('websocket', ws => {
    if (!ws.url().endsWith('/v1/video')) return;
    ws.on('framereceived', f => {
      try {
        const e = JSON.parse(f.payload);
        if (e.type === 'frame.analysis') {
          const work = Object.values(e.timings_ms || {}).reduce((a, b) => a + b, 0);   // decode + each analyzer
          analyses.push({ t: Date.now(), latency_ms: e.latency_ms, work_ms: work });
        }
      } catch { /* not JSON */ }
    });
  });
  const seconds = Number(a.seconds || 6);
  await page.goto(`${a.url}#watch`);
  await page.waitForSelector('body[data-ready=true]');
  if (a.fps) await page.selectOption('#watch-fps', a.fps);
  if (a.analyzers) {
    const wanted = a.analyzers.split(',');
    for (const box of await page.$$('#watch-analyzers input')) await box.setChecked(wanted.includes(await box.getAttribute('value')));
  }
  await page.click('#watch-start');
  await page.waitForFunction(() => Number(document.getElementById('watch-stats').dataset.analysed || 0) >= 1, null, { timeout: 60000 });
  const count = () => page.$eval('#watch-stats', el => Number(el.dataset.analysed || 0));
  const sentCount = () => page.$eval('#watch-stats', el => Number(el.dataset.sent || 0));
  const first = await count();
  const firstSent = await sentCount();
  const t0 = Date.now();
  let maxBoxes = 0;
  let sawBoxes = null;
  while (Date.now() - t0 < seconds * 1000) {
    await page.waitForTimeout(250);
    const boxes = await page.$$eval('#watch-overlay .box', els => els.map(b => ({ kind: b.dataset.kind, label: b.textContent })));
    if (boxes.length > maxBoxes) maxBoxes = boxes.length;
    if (boxes.length && !sawBoxes) sawBoxes = boxes;
  }
  const last = await count();
  const lastSent = await sentCount();
  const t1 = Date.now();
  const elapsed = (t1 - t0) / 1000;
  const inWindow = analyses.filter(e => e.t >= t0 && e.t <= t1);
  const median = xs => (xs.length ? [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] : null);
  const state = await page.evaluate(() => ({
    stats: { ...document.getElementById('watch-stats').dataset },
    statsText: document.getElementById('watch-stats').textContent,
    now: document.getElementById('watch-now').textContent,
    log: [...document.querySelectorAll('#watch-log li')].map(li => ({ kind: li.dataset.kind, text: li.textContent })),
    sessionId: document.querySelector('#view-watch .stage').dataset.sessionId || null,
    videoWidth: document.getElementById('watch-video').videoWidth,
  }));
  await page.screenshot({ path: a.screenshot, fullPage: true });
  return { analyses_in_window: last - first, sent_in_window: lastSent - firstSent, median_latency_ms: median(inWindow.map(e => e.latency_ms)), median_work_ms: median(inWindow.map(e => e.work_ms)), window_s: elapsed, rate_per_s: (last - first) / elapsed, max_boxes: maxBoxes, boxes: sawBoxes || [], ...state, notices: await notices(page) };
});
