// Talk view: the microphone (hands-free with server VAD, or push to talk) and typed turns over
// /v1/realtime; the user's live transcript, the assistant's streamed text, its audio played gaplessly,
// captions for both, barge-in (speaking over the answer stops it here at once; the gateway cancels it).

import { RealtimeClient } from './realtime.js';
import { Microphone } from './audio/mic.js';
import { PcmPlayer } from './audio/player.js';
import { base64ToBytes } from './audio/base64.js';
import { notify, clearNotice } from './notice.js';
import { emit, on } from './events.js';

const $ = id => document.getElementById(id);

export function setupTalk() {
  const client = new RealtimeClient();
  const log = $('talk-log');
  const micButton = $('mic');
  const stopButton = $('interrupt');
  let context = null;
  let mic = null;
  let player = null;
  let videoSession = null;
  let pushing = false;
  let flushed = null;
  let afterCommit = null;       // resolves the wait for input_audio_buffer.committed (push to talk)
  const users = new Map();      // item_id → <li>
  const answers = new Map();    // response_id → {li, text, transcript, audio}
  let current = null;           // the answer being spoken
  let turns = 0;
  let lastUserText = '';       // the transcript the next answer replies to

  const mode = () => document.querySelector('input[name=talk-mode]:checked').value;

  function audio() {
    // Created on a click or key press, so the browser lets it play.
    if (!context) {
      context = new AudioContext({ latencyHint: 'interactive' });
      player = new PcmPlayer(context, 24000);
      player.onIdle = () => finishPlayback();
      mic = new Microphone(context, (pcm, peak) => {
        $('mic-level').value = peak;
        if (flushed) { const done = flushed; flushed = null; sendAudio(pcm); done(); return; }
        if (mode() === 'hands-free' || pushing) sendAudio(pcm);
      });
    }
    if (context.state !== 'running') context.resume();
    return context;
  }

  function sendAudio(pcm) {
    if (client.open) client.appendAudio(pcm);
  }

  function turnDetection() {
    if (mode() !== 'hands-free') return { type: 'none' };
    return {
      type: 'server_vad',
      threshold: Number($('vad-threshold').value) || 0.5,
      prefix_padding_ms: 300,
      silence_duration_ms: Number($('vad-silence').value) || 500,
      interrupt_response: true,
      create_response: true,
    };
  }

  function configure() {
    if (!client.open) return;
    const link = $('link-camera').checked ? videoSession : null;
    client.updateSession({ instructions: $('instructions').value.trim() || undefined, turnDetection: turnDetection(), videoSession: link });
  }

  async function connect() {
    if (client.open) return true;
    try {
      await client.connect();
      clearNotice('realtime');
      configure();
      return true;
    } catch (e) {
      notify('realtime', e.message);
      return false;
    }
  }

  // ---- the microphone button ----
  async function startMic() {
    audio();
    if (!(await connect())) return false;
    try {
      await mic.start();
      clearNotice('mic');
      return true;
    } catch (e) {
      notify('mic', e.message);
      return false;
    }
  }

  function stopMic() {
    mic?.stop();
    $('mic-level').value = 0;
    setMicPressed(false);
  }

  function setMicPressed(on) {
    micButton.setAttribute('aria-pressed', String(on));
    micButton.textContent = mode() === 'hands-free' ? (on ? 'Stop talking' : 'Start talking') : (on ? 'Listening… release to send' : 'Hold to talk');
  }

  micButton.addEventListener('click', async () => {
    if (mode() !== 'hands-free') return;
    if (mic?.active) { stopMic(); return; }
    setMicPressed(true);
    if (!(await startMic())) setMicPressed(false);
  });

  async function pushStart() {
    if (mode() !== 'push-to-talk' || pushing) return;
    pushing = true;
    setMicPressed(true);
    interrupt();
    if (!mic?.active && !(await startMic())) { pushing = false; setMicPressed(false); return; }
    if (client.open) client.clearInput();
  }

  async function pushEnd() {
    if (mode() !== 'push-to-talk' || !pushing) return;
    pushing = false;
    setMicPressed(false);
    if (!client.open || !mic?.active) return;
    // The worklet still holds up to one chunk: send it before committing the turn.
    await new Promise(resolve => { flushed = resolve; mic.flush(); setTimeout(resolve, 150); });
    // Ask for the answer once the gateway has the committed turn, so the answer is to these words.
    const committed = new Promise(resolve => { afterCommit = resolve; setTimeout(resolve, 10000); });
    client.commit();
    await committed;
    afterCommit = null;
    client.createResponse();
  }

  micButton.addEventListener('pointerdown', e => { if (e.button === 0) pushStart(); });
  micButton.addEventListener('pointerup', pushEnd);
  micButton.addEventListener('pointerleave', pushEnd);
  micButton.addEventListener('keydown', e => { if ((e.key === ' ' || e.key === 'Enter') && !e.repeat && mode() === 'push-to-talk') { e.preventDefault(); pushStart(); } });
  micButton.addEventListener('keyup', e => { if (e.key === ' ' || e.key === 'Enter') { e.preventDefault(); pushEnd(); } });

  for (const radio of document.querySelectorAll('input[name=talk-mode]')) {
    radio.addEventListener('change', () => { if (mic?.active) stopMic(); setMicPressed(false); configure(); });
  }
  for (const id of ['instructions', 'vad-threshold', 'vad-silence']) $(id).addEventListener('change', configure);

  // ---- the camera link ----
  on('video-session', id => { videoSession = id; configure(); });
  $('link-camera').addEventListener('change', async e => {
    if (e.target.checked && !videoSession) notify('link', 'Start watching in the Watch tab first; the voice session will then see the latest frame.', 'warn');
    else clearNotice('link');
    if (e.target.checked) { audio(); await connect(); }
    configure();
  });

  // ---- typed turns ----
  $('talk-form').addEventListener('submit', async e => {
    e.preventDefault();
    const input = $('talk-text');
    const text = input.value.trim();
    if (!text) return;
    audio();
    if (!(await connect())) return;
    interrupt();
    addEntry('user', text).dataset.typed = 'true';
    client.sendText(text);
    client.createResponse();
    input.value = '';
  });

  // ---- stopping the answer ----
  function interrupt() {
    if (current && current.status === 'in_progress' && client.open) client.cancelResponse();
    stopPlayback(true);
  }
  stopButton.addEventListener('click', interrupt);

  function stopPlayback(cut) {
    if (!player || !current) return;
    const played = player.stop();
    if (!cut) return;
    current.cut = true;              // audio of this answer still in flight is dropped
    if (current.audio > 0) markPlayed(current, played, true);
  }

  function finishPlayback() {
    if (current && current.done) markPlayed(current, player.playedMs(), false);
  }

  function markPlayed(answer, ms, cut) {
    answer.li.dataset.playedMs = String(ms);
    answer.li.dataset.underruns = String(player?.underruns ?? 0);
    answer.played = ms;
    meta(answer.li, `${cut ? 'interrupted after' : 'spoke'} ${(ms / 1000).toFixed(1)} s${answer.latencyText ? ' · ' + answer.latencyText : ''}`);
    emit('turn', { id: answer.id, status: cut ? 'cancelled' : answer.status, latency: answer.latency, transcript: answer.userText, playedMs: ms });
    stopButton.disabled = true;
    player.reset();
    if (current === answer) current = null;
  }

  // ---- server events ----
  client.on('input_audio_buffer.speech_started', e => {
    if (player?.playing) stopPlayback(true);       // barge-in: silence the answer now
    userEntry(e.item_id).classList.add('pending');
    caption('You', '…');
  });
  client.on('input_audio_buffer.speech_stopped', e => userEntry(e.item_id));
  client.on('input_audio_buffer.committed', e => { userEntry(e.item_id); afterCommit?.(); });
  client.on('conversation.item.input_audio_transcription.delta', e => {
    const li = userEntry(e.item_id);
    li.dataset.text = (li.dataset.text || '') + (e.delta || '');
    body(li).textContent = li.dataset.text;
    caption('You', li.dataset.text);
  });
  client.on('conversation.item.input_audio_transcription.completed', e => {
    const li = userEntry(e.item_id);
    li.dataset.text = e.transcript || '';
    li.dataset.final = 'true';
    li.classList.remove('pending');
    body(li).textContent = e.transcript || '(nothing heard)';
    caption('You', e.transcript || '');
    lastUserText = e.transcript || '';
  });

  client.on('response.created', e => answerFor(e.response?.id));
  client.on('response.output_text.delta', e => {
    const a = answerFor(e.response_id);
    a.text += e.delta || '';
    show(a);
  });
  client.on('response.output_audio_transcript.delta', e => {
    const a = answerFor(e.response_id);
    a.transcript += e.delta || '';
    show(a);
    caption('Assistant', a.transcript);
  });
  client.on('response.output_audio.delta', e => {
    const a = answerFor(e.response_id);
    if (a.cut || a.status !== 'in_progress' || !player) return;   // cancelled here: drop what was in flight
    const bytes = base64ToBytes(e.delta || '');
    a.audio += bytes.length / 2 / 24000 * 1000;
    a.li.dataset.audioMs = String(Math.round(a.audio));
    player.enqueue(bytes);
  });
  client.on('response.done', e => {
    const r = e.response || {};
    const a = answerFor(r.id);
    a.status = r.status || 'completed';
    a.done = true;
    a.li.dataset.status = a.status;
    a.li.classList.remove('pending');
    a.latency = latencyOf(r);
    a.latencyText = Object.entries(a.latency).map(([k, v]) => `${k.replace(/_ms$/, '').replaceAll('_', ' ')} ${Math.round(v)} ms`).join(', ');
    if (!a.text && !a.transcript) body(a.li).textContent = a.status === 'cancelled' ? '(interrupted)' : '(no answer)';
    if (a.status === 'failed') notify('realtime', `The answer failed: ${r.status_details?.error?.message || 'see the gateway log'}.`);
    if (a.audio === 0 || !player?.playing) markPlayed(a, a.played ?? player?.playedMs() ?? 0, a.status === 'cancelled' || a.cut === true);
    else meta(a.li, a.latencyText);
  });
  client.on('error', e => {
    afterCommit?.();              // e.g. the commit was refused: do not wait for it
    const err = e.error || {};
    notify('realtime', `Voice session: ${err.message || 'unknown error'}${err.code ? ` (${err.code})` : ''}`);
    addEntry('system', `Error: ${err.message || err.code || 'unknown'}`);
  });
  client.on('close', e => {
    stopMic();
    notify('realtime', `The voice session closed${e.reason ? `: ${e.reason}` : ` (code ${e.code})`}. Press “Start talking” or send a message to start a new one.`);
  });

  // ---- the conversation log ----
  function userEntry(itemId) {
    const key = itemId || `local-${users.size}`;
    if (!users.has(key)) {
      const li = addEntry('user', '');
      // With push to talk the answer may be announced before the words it answers: keep them in order.
      if (current && !current.done && !current.text && !current.transcript && current.audio === 0) log.insertBefore(li, current.li);
      li.dataset.itemId = key;
      li.classList.add('pending');
      users.set(key, li);
    }
    return users.get(key);
  }

  function answerFor(responseId) {
    const key = responseId || `local-${answers.size}`;
    if (!answers.has(key)) {
      if (current && current !== answers.get(key) && player?.playing) stopPlayback(true);
      const li = addEntry('assistant', '');
      li.dataset.responseId = key;
      li.dataset.status = 'in_progress';
      li.classList.add('pending');
      const a = { id: key, li, text: '', transcript: '', audio: 0, status: 'in_progress', done: false, latency: {}, userText: lastUserText, turn: ++turns };
      answers.set(key, a);
      current = a;
      player?.reset();
      stopButton.disabled = false;
    }
    return answers.get(key);
  }

  function show(a) {
    body(a.li).textContent = a.text || a.transcript;
  }

  function addEntry(kind, text) {
    const li = document.createElement('li');
    li.className = kind;
    const who = document.createElement('span');
    who.className = 'visually-hidden';
    who.textContent = kind === 'user' ? 'You: ' : kind === 'assistant' ? 'Assistant: ' : '';
    const b = document.createElement('span');
    b.className = 'body';
    b.textContent = text;
    li.append(who, b);
    log.append(li);
    log.scrollTop = log.scrollHeight;
    return li;
  }

  function body(li) {
    return li.querySelector('.body');
  }

  function meta(li, text) {
    let m = li.querySelector('.meta');
    if (!m) { m = document.createElement('span'); m.className = 'meta'; li.append(m); }
    m.textContent = text;
  }

  function caption(who, text) {
    const c = $('caption');
    c.querySelector('.who').textContent = `${who}:`;
    c.querySelector('.text').textContent = text;
  }

  setMicPressed(false);
  return { client };
}

/** The latency figures in a response.done: numbers under any key that mentions latency (our extension). */
function latencyOf(response) {
  for (const [key, value] of Object.entries(response)) {
    if (/latenc/i.test(key) && value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'number'));
    }
  }
  return {};
}
