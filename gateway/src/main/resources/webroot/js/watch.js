// Watch view: the camera (or a video file) sent as JPEG frames to /v1/video at the chosen rate; each
// frame.analysis is drawn over the picture, scene.changed events go to the log, and the session id is
// offered to the Talk view so the voice assistant can see what the camera sees.

import { socketUrl, socketProtocols, explainSocketFailure } from './api.js';
import { notify, clearNotice, mediaErrorMessage } from './notice.js';
import { drawBoxes, describeItems } from './overlay.js';
import { emit } from './events.js';

const $ = id => document.getElementById(id);
const VIDEO_PATH = '/v1/video';
const MAX_WIDTH = 640;            // frames are scaled down to this width before JPEG encoding
const MAX_BUFFERED = 2 * 1024 * 1024;

export function setupWatch() {
  const video = $('watch-video');
  const button = $('watch-start');
  const canvas = document.createElement('canvas');
  let socket = null;
  let stream = null;
  let fileUrl = null;
  let timer = null;
  let sessionId = null;
  let stats = null;
  let staleTimer = null;

  const source = () => document.querySelector('input[name=watch-source]:checked').value;
  const analyzers = () => [...document.querySelectorAll('#watch-analyzers input:checked')].map(i => i.value);
  const fps = () => Number($('watch-fps').value);

  for (const r of document.querySelectorAll('input[name=watch-source]')) {
    r.addEventListener('change', () => { $('watch-file').hidden = source() !== 'file'; if (socket) stop(); });
  }
  $('watch-fps').addEventListener('change', () => { if (socket) { update(); schedule(); } });
  for (const box of document.querySelectorAll('#watch-analyzers input')) box.addEventListener('change', () => socket && update());
  button.addEventListener('click', () => (socket ? stop() : start()));

  async function openSource() {
    if (source() === 'file') {
      const file = $('watch-file').files[0];
      if (!file) throw new Error('Choose a video file first.');
      if (fileUrl) URL.revokeObjectURL(fileUrl);
      fileUrl = URL.createObjectURL(file);
      video.srcObject = null;
      video.src = fileUrl;
      video.loop = true;
    } else {
      if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) throw new Error(mediaErrorMessage(null, 'camera'));
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
      } catch (e) {
        throw new Error(mediaErrorMessage(e, 'camera'));
      }
      video.removeAttribute('src');
      video.srcObject = stream;
    }
    await video.play();
  }

  async function start() {
    setRunning(true);
    try {
      await openSource();
      clearNotice('watch');
      await connect();
    } catch (e) {
      notify('watch', e.message);
      stop();
      return;
    }
    stats = { sent: 0, analysed: 0, dropped: 0, first: 0, latest: 0, latency: [], times: new Map(), changes: 0 };
    $('watch-log').replaceChildren();
    update();
    schedule();
  }

  function connect() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(socketUrl(VIDEO_PATH), socketProtocols());
      ws.binaryType = 'arraybuffer';
      let opened = false;
      ws.onopen = () => { opened = true; socket = ws; resolve(); };
      ws.onmessage = e => handle(e.data);
      ws.onclose = async e => {
        if (!opened) { reject(new Error(await explainSocketFailure(VIDEO_PATH))); return; }
        if (socket === ws) {
          notify('watch', `The video session closed${e.reason ? `: ${e.reason}` : ` (code ${e.code})`}. Press “Start watching” to start again.`);
          stop();
        }
      };
    });
  }

  function update() {
    socket?.send(JSON.stringify({ type: 'session.update', analyzers: analyzers(), fps: fps() }));
  }

  function schedule() {
    clearInterval(timer);
    timer = setInterval(sendFrame, 1000 / fps());
  }

  function sendFrame() {
    if (!socket || socket.readyState !== WebSocket.OPEN || video.readyState < 2 || !video.videoWidth) return;
    if (socket.bufferedAmount > MAX_BUFFERED) return;   // the network is behind: skip rather than queue
    const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
    const sentAt = Date.now();
    canvas.toBlob(async blob => {
      if (!blob || !socket || socket.readyState !== WebSocket.OPEN) return;
      const bytes = await blob.arrayBuffer();
      socket.send(JSON.stringify({ type: 'frame.info', timestamp: sentAt }));
      socket.send(bytes);
      stats.sent++;
      showStats();
    }, 'image/jpeg', 0.8);
  }

  function handle(data) {
    let event;
    try { event = JSON.parse(data); } catch { return; }
    switch (event.type) {
      case 'session.created':
        sessionId = event.session_id;
        video.closest('.stage').dataset.sessionId = sessionId;
        emit('video-session', sessionId);
        logEvent(`Session ${sessionId.slice(0, 8)} started.`);
        break;
      case 'frame.analysis':
        onAnalysis(event);
        break;
      case 'scene.changed':
        stats.changes++;
        logEvent(`Scene changed (score ${event.score ?? '?'}) at frame ${event.seq}.`, 'scene');
        break;
      case 'error':
        notify('watch', `Video: ${event.error?.message || 'unknown error'}`);
        logEvent(`Error: ${event.error?.message}`, 'error');
        break;
      default:
        break;
    }
  }

  function onAnalysis(event) {
    const now = Date.now();
    stats.analysed++;
    if (!stats.first) stats.first = now;
    stats.latest = now;
    stats.dropped = event.dropped ?? stats.dropped;
    const roundTrip = event.timestamp ? now - event.timestamp : null;
    stats.latency.push(roundTrip ?? event.latency_ms ?? 0);
    if (stats.latency.length > 20) stats.latency.shift();
    drawBoxes($('watch-overlay'), event);
    // Boxes describe a past frame: clear them when no newer analysis came for a while.
    clearTimeout(staleTimer);
    staleTimer = setTimeout(() => $('watch-overlay').replaceChildren(), Math.max(2000, 3000 / fps()));
    const items = describeItems(event).map(i => i.text);
    $('watch-now').textContent = items.length ? `Seeing: ${items.join(', ')}.` : 'Nothing recognised in the latest frame.';
    showStats();
    emit('video-stats', { ...summary(), sessionId });
  }

  function summary() {
    const seconds = stats.latest > stats.first ? (stats.latest - stats.first) / 1000 : 0;
    const rate = seconds > 0 ? (stats.analysed - 1) / seconds : 0;
    const latency = stats.latency.length ? stats.latency.reduce((a, b) => a + b, 0) / stats.latency.length : 0;
    return { sent: stats.sent, analysed: stats.analysed, dropped: stats.dropped, rate, latency, changes: stats.changes };
  }

  function showStats() {
    const s = summary();
    const el = $('watch-stats');
    el.textContent = `Sent ${s.sent} frames, analysed ${s.analysed} (${s.rate.toFixed(1)}/s), dropped ${s.dropped}; latency ${Math.round(s.latency)} ms.`;
    Object.assign(el.dataset, { sent: s.sent, analysed: s.analysed, dropped: s.dropped, rate: s.rate.toFixed(2) });
  }

  function logEvent(text, kind = 'info') {
    const li = document.createElement('li');
    li.className = kind === 'error' ? 'system' : '';
    li.dataset.kind = kind;
    const time = new Date().toLocaleTimeString();
    li.textContent = `${time} — ${text}`;
    const log = $('watch-log');
    log.prepend(li);
    while (log.children.length > 100) log.lastChild.remove();
  }

  function stop() {
    clearInterval(timer);
    clearTimeout(staleTimer);
    $('watch-overlay').replaceChildren();
    timer = null;
    const ws = socket;
    socket = null;
    ws?.close(1000, 'stopped by the user');
    stream?.getTracks().forEach(t => t.stop());
    stream = null;
    video.pause();
    if (sessionId) emit('video-session', null);
    sessionId = null;
    setRunning(false);
  }

  function setRunning(on) {
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? 'Stop watching' : 'Start watching';
    if (!on && !stats) $('watch-stats').textContent = 'Not watching.';
  }
}
