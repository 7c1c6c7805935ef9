// Talk view: (optionally start the Watch camera and link it,) press the microphone (hands-free), let
// the fake microphone say the test's sentence, and wait for the transcript and an assistant answer
// whose audio was played; then the Status view with the turn's latency.
// node talk.mjs --url=… --audio=FILE.wav --screenshot=OUT.png [--video=FILE.y4m --link=true]
//               [--status-screenshot=OUT.png] [--wait=60]

import { scenario, notices } from './lib/browser.mjs';

await scenario(async (a, launch) => {
  // %noloop: the sentence is said once, then the fake microphone is silent.
  const { page } = await launch({ audio: `${a.audio}%noloop`, video: a.video });
  const events = [];
  const sent = [];
  const audioArrivals = [];   // when each audio delta reached the browser's socket (ms)
  page.on('websocket', ws => {
    if (!ws.url().endsWith('/v1/realtime')) return;
    ws.on('framereceived', f => {
      try {
        const e = JSON.parse(f.payload);
        events.push(e);
        if (e.type === 'response.output_audio.delta') audioArrivals.push(Date.now());
      } catch { /* binary */ }
    });
    ws.on('framesent', f => { try { const e = JSON.parse(f.payload); if (e.type !== 'input_audio_buffer.append') sent.push(e); } catch { /* binary */ } });
  });
  // Record every audio chunk the page schedules (what is actually played, not the page's own
  // counters): its start on the audio clock, its length, and the clock when it was scheduled.
  await page.addInitScript(() => {
    const chunks = [];
    window.__scheduledAudio = chunks;
    const start = AudioBufferSourceNode.prototype.start;
    AudioBufferSourceNode.prototype.start = function (when = 0, ...rest) {
      chunks.push({ when, duration: this.buffer ? this.buffer.duration : 0, now: this.context.currentTime });
      return start.call(this, when, ...rest);
    };
  });
  await page.goto(`${a.url}#talk`);
  await page.waitForSelector('body[data-ready=true]');

  let videoSession = null;
  if (a.link === 'true') {
    await page.click('#tab-watch');
    await page.selectOption('#watch-fps', '1');
    await page.click('#watch-start');
    await page.waitForFunction(() => document.querySelector('#view-watch .stage').dataset.sessionId, null, { timeout: 30000 });
    videoSession = await page.$eval('#view-watch .stage', el => el.dataset.sessionId);
    await page.click('#tab-talk');
    await page.check('#link-camera');
  }

  await page.click('#mic');
  const wait = Number(a.wait || 60) * 1000;
  const done = await page.waitForFunction(() => {
    const answer = [...document.querySelectorAll('#talk-log li.assistant')].find(li => li.dataset.playedMs !== undefined);
    return answer ? true : (document.querySelector('#notices .notice.error') ? 'notice' : false);
  }, null, { timeout: wait, polling: 200 }).then(h => h.jsonValue()).catch(() => 'timeout');
  const state = await page.evaluate(() => ({
    users: [...document.querySelectorAll('#talk-log li.user')].map(li => ({ text: li.dataset.text ?? li.textContent, final: li.dataset.final === 'true' })),
    answers: [...document.querySelectorAll('#talk-log li.assistant')].map(li => ({
      text: li.querySelector('.body').textContent, status: li.dataset.status,
      audio_ms: Number(li.dataset.audioMs || 0), played_ms: li.dataset.playedMs === undefined ? null : Number(li.dataset.playedMs),
      meta: li.querySelector('.meta')?.textContent || '', underruns: Number(li.dataset.underruns || 0),
    })),
    caption: document.getElementById('caption').textContent,
    micPressed: document.getElementById('mic').getAttribute('aria-pressed'),
  }));
  const playback = await page.evaluate(() => {
    const chunks = window.__scheduledAudio || [];
    const gaps = [];
    let late = 0;
    for (let i = 0; i < chunks.length; i++) {
      if (chunks[i].when < chunks[i].now) late++;          // started after its time: clipped
      if (i === 0) continue;
      const end = chunks[i - 1].when + chunks[i - 1].duration;
      const gap = chunks[i].when - end;                  // silence between two consecutive chunks
      if (gap > 0.0005) {
        gaps.push({ chunk: i, at_ms: Math.round((end - chunks[0].when) * 1000), gap_ms: Math.round(gap * 1000),
          buffer_ms: Math.round(chunks[i - 1].duration * 1000), scheduled_after_ms: Math.round((chunks[i].now - chunks[i - 1].now) * 1000) });
      }
    }
    const seconds = chunks.reduce((s, c) => s + c.duration, 0);
    return { chunks: chunks.length, scheduled_ms: Math.round(seconds * 1000), gaps, late };
  });
  await page.screenshot({ path: a.screenshot, fullPage: true });
  const shownNotices = await notices(page);

  await page.click('#tab-status');
  const turnRows = await page.$$eval('#status-turns tbody tr', rows => rows.map(r => [...r.cells].map(c => c.textContent)));
  if (a['status-screenshot']) await page.screenshot({ path: a['status-screenshot'], fullPage: true });

  const updates = sent.filter(e => e.type === 'session.update').map(e => e.session);
  const linkedEcho = events.filter(e => e.type === 'session.updated').map(e => e.session?.video_session ?? null);
  return {
    outcome: done, ...state, playback: { ...playback, arrivals_ms: audioArrivals.map(t => t - (audioArrivals[0] ?? t)) }, events: events.map(e => e.type), notices: shownNotices, turnRows,
    videoSession, sessionUpdates: updates, videoSessionsEchoed: linkedEcho,
  };
});
