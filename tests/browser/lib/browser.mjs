// Launches Debian's chromium (never a downloaded browser) headless with fake media devices, in a
// fresh profile, and gives the scenario scripts a small common frame: arguments in, one JSON line out.

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** --key=value arguments as an object. */
export function args() {
  const out = {};
  for (const a of process.argv.slice(2)) {
    const m = /^--([^=]+)=(.*)$/s.exec(a);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/**
 * Starts chromium with the page's permissions granted through the fake UI; `audio` / `video` are
 * files played as the microphone (WAV) and camera (Y4M or MJPEG).
 */
export async function launch({ audio, video, grantMedia = true } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  const profile = mkdtempSync(join(tmpdir(), 'perception-chromium-'));
  const flags = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
  ];
  if (grantMedia) flags.push('--use-fake-ui-for-media-stream');
  if (audio) flags.push(`--use-file-for-fake-audio-capture=${audio}`);
  if (video) flags.push(`--use-file-for-fake-video-capture=${video}`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: flags,
    // Playwright mutes headless audio by default; keep the output path real so playback is clocked.
    ignoreDefaultArgs: ['--mute-audio'],
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] || await context.newPage();
  const problems = [];
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  page.on('console', m => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, problems, close };
}

/** Runs a scenario: prints its result as one JSON line, or {"error": …} and exits 1. */
export async function scenario(body) {
  const started = Date.now();
  const a = args();
  let browser = null;
  const timer = setTimeout(() => { console.log(JSON.stringify({ error: `scenario timed out after ${a.timeout || 90} s` })); process.exit(2); }, (Number(a.timeout) || 90) * 1000);
  try {
    const result = await body(a, async options => (browser = await launch(options)));
    result.problems = browser ? browser.problems : [];
    result.elapsed_ms = Date.now() - started;
    console.log(JSON.stringify(result));
  } catch (e) {
    const out = { error: String(e?.stack || e), problems: browser ? browser.problems : [] };
    if (browser && a.screenshot) await browser.page.screenshot({ path: a.screenshot.replace(/\.png$/, '-failed.png'), fullPage: true }).catch(() => {});
    console.log(JSON.stringify(out));
    process.exitCode = 1;
  } finally {
    clearTimeout(timer);
    await browser?.close();
  }
}

/** The notices the page shows (what a person would read when something is wrong). */
export function notices(page) {
  return page.$$eval('#notices .notice > span', els => els.map(e => e.textContent));
}
