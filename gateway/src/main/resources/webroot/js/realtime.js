// Client of /v1/realtime (OpenAI Realtime API events, GA names). Server events are re-dispatched by
// type: client.on('response.output_audio.delta', e => …); '*' gets every event.

import { socketUrl, socketProtocols, explainSocketFailure } from './api.js';
import { bytesToBase64 } from './audio/base64.js';

export const REALTIME_PATH = '/v1/realtime';

export class RealtimeClient {
  constructor() {
    this.socket = null;
    this.listeners = new Map();
    this.opening = null;
    this.eventCount = 0;
  }

  on(type, listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(listener);
    return this;
  }

  get open() {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Opens the socket (once); rejects with a message that says what to do. */
  connect() {
    if (this.open) return Promise.resolve();
    if (this.opening) return this.opening;
    this.opening = new Promise((resolve, reject) => {
      const socket = new WebSocket(socketUrl(REALTIME_PATH), socketProtocols());
      let opened = false;
      socket.onopen = () => { opened = true; this.socket = socket; resolve(); };
      socket.onmessage = e => this.dispatch(e.data);
      socket.onclose = async e => {
        this.socket = null;
        this.opening = null;
        if (!opened) reject(new Error(await explainSocketFailure(REALTIME_PATH)));
        else this.fire('close', { code: e.code, reason: e.reason });
      };
    });
    return this.opening;
  }

  close() {
    this.socket?.close(1000, 'page closed the session');
  }

  send(event) {
    if (!this.open) throw new Error('The voice session is not connected.');
    this.socket.send(JSON.stringify(event));
  }

  /** session.update with GA field names; only what is given is sent. */
  updateSession({ instructions, turnDetection, videoSession } = {}) {
    const session = { type: 'realtime' };
    if (instructions) session.instructions = instructions;
    const input = { format: { type: 'audio/pcm', rate: 24000 } };
    if (turnDetection !== undefined) input.turn_detection = turnDetection;
    session.audio = { input, output: { format: { type: 'audio/pcm', rate: 24000 } } };
    if (videoSession !== undefined) session.video_session = videoSession;
    this.send({ type: 'session.update', session });
  }

  appendAudio(pcm) {
    this.send({ type: 'input_audio_buffer.append', audio: bytesToBase64(pcm) });
  }

  commit() { this.send({ type: 'input_audio_buffer.commit' }); }
  clearInput() { this.send({ type: 'input_audio_buffer.clear' }); }
  createResponse() { this.send({ type: 'response.create' }); }
  cancelResponse() { this.send({ type: 'response.cancel' }); }

  sendText(text) {
    this.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
  }

  dispatch(data) {
    let event;
    try { event = JSON.parse(data); } catch { return; }
    this.eventCount++;
    this.fire(event.type, event);
    this.fire('*', event);
  }

  fire(type, event) {
    for (const listener of this.listeners.get(type) || []) {
      try { listener(event); } catch (e) { console.error(`handler of ${type} failed`, e); }
    }
  }
}
