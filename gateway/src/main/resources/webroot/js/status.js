// Status view and the header line: whether the gateway answers (/health), which models and
// backends are loaded (/ready), the latency figures of each voice turn and of the video session.

import { request } from './api.js';
import { notify, clearNotice } from './notice.js';
import { on } from './events.js';

const $ = id => document.getElementById(id);
const POLL_MS = 5000;

export function setupStatus() {
  const turns = new Map();

  async function refresh() {
    const line = $('connection');
    try {
      const { body } = await request('/ready', { acceptStatus: [503] });
      line.dataset.state = 'up';
      line.textContent = `Gateway ${body.status}`;
      clearNotice('unreachable');
      renderModels(body);
    } catch (e) {
      line.dataset.state = 'down';
      line.textContent = 'Gateway unreachable';
      notify('unreachable', `${e.message} The page retries every ${POLL_MS / 1000} s.`);
      $('status-summary').textContent = 'Gateway unreachable: the table shows the last state it reported.';
    }
  }

  function renderModels(body) {
    const models = body.models || [];
    const rows = models.map(m => {
      const tr = document.createElement('tr');
      tr.dataset.model = m.id;
      const cells = [m.id, m.task, m.state, m.load_ms ?? '', m.source || m.error || ''];
      cells.forEach((value, i) => {
        const td = document.createElement('td');
        td.textContent = String(value);
        if (i === 2) td.className = `state-${m.state}`;
        if (i === 3) td.className = 'num';
        tr.append(td);
      });
      return tr;
    });
    $('status-models').tBodies[0].replaceChildren(...rows);
    const loaded = models.filter(m => m.state === 'loaded').length;
    $('status-summary').textContent = `${body.status}: ${loaded} of ${models.length} models loaded.`;
  }

  on('turn', turn => {
    turns.set(turn.id, turn);
    const pick = (t, pattern) => {
      const entry = Object.entries(t.latency || {}).find(([k]) => pattern.test(k));
      return entry ? Math.round(entry[1]) : '';
    };
    const rows = [...turns.values()].map((t, i) => {
      const tr = document.createElement('tr');
      const cells = [i + 1, t.status, pick(t, /transcri/i), pick(t, /token/i), pick(t, /audio/i), t.playedMs];
      cells.forEach((value, c) => {
        const td = document.createElement('td');
        td.textContent = String(value);
        if (c >= 2) td.className = 'num';
        tr.append(td);
      });
      return tr;
    });
    $('status-turns').tBodies[0].replaceChildren(...rows);
  });

  on('video-stats', s => {
    $('status-video').textContent = `Session ${s.sessionId || '?'}: ${s.analysed} frames analysed (${s.rate.toFixed(1)}/s), `
      + `${s.dropped} dropped by the gateway, ${Math.round(s.latency)} ms average round trip, ${s.changes} scene changes.`;
  });

  $('status-refresh').addEventListener('click', refresh);
  refresh();
  // Keep the header honest: poll while the tab is open; faster while the Status view is shown.
  setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
  return { shown: visible => { if (visible) refresh(); } };
}
