// Gapless playback of PCM16 chunks as they arrive: each chunk is scheduled to start exactly where the
// previous one ends on the audio clock; stop() silences everything at once (barge-in).

// Headroom when the queue is empty (an answer starts, or it ran dry): the gateway sends up to 500 ms
// ahead, but a busy main thread can handle the chunks after the first few a few hundred ms late;
// 50 ms was too little (a 151 ms gap after the first 200 ms, WebUiBrowserTest on a loaded machine).
const LEAD_SECONDS = 0.2;

export class PcmPlayer {
  constructor(context, sampleRate = 24000) {
    this.context = context;
    this.sampleRate = sampleRate;
    this.sources = new Set();
    this.nextTime = 0;
    this.scheduledSeconds = 0;   // audio handed to the sound card, this answer
    this.startedAt = null;       // context time the current answer's first chunk starts
    this.stoppedAt = null;
    this.underruns = 0;          // times the queue ran dry mid-answer
    this.onIdle = null;          // called when the last scheduled chunk has played
  }

  /** Queues one chunk of PCM16 little-endian mono. */
  enqueue(bytes) {
    const samples = new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 2));
    if (samples.length === 0) return;
    const buffer = this.context.createBuffer(1, samples.length, this.sampleRate);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < samples.length; i++) channel[i] = samples[i] / 32768;
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    const now = this.context.currentTime;
    if (this.nextTime < now) {
      if (this.startedAt !== null) this.underruns++;   // the queue ran dry mid-answer: an audible gap
      this.nextTime = now + LEAD_SECONDS;
    }
    if (this.startedAt === null) { this.startedAt = this.nextTime; this.stoppedAt = null; }
    source.start(this.nextTime);
    this.nextTime += buffer.duration;
    this.scheduledSeconds += buffer.duration;
    this.sources.add(source);
    source.onended = () => {
      this.sources.delete(source);
      if (this.sources.size === 0 && this.onIdle) this.onIdle();
    };
  }

  get playing() {
    return this.sources.size > 0;
  }

  /** Milliseconds of the current answer actually played so far. */
  playedMs() {
    if (this.startedAt === null) return 0;
    const end = this.stoppedAt ?? Math.min(this.context.currentTime, this.nextTime);
    return Math.max(0, Math.round((end - this.startedAt) * 1000));
  }

  /** Starts counting a new answer (after the previous one's figures were read). */
  reset() {
    this.underruns = 0;
    this.startedAt = null;
    this.stoppedAt = null;
    this.scheduledSeconds = 0;
  }

  /** Silences everything queued now; returns the milliseconds that had been played. */
  stop() {
    const played = this.playedMs();
    if (this.startedAt !== null) this.stoppedAt = Math.min(this.context.currentTime, this.nextTime);
    for (const s of this.sources) { s.onended = null; try { s.stop(); } catch { /* not started */ } }
    this.sources.clear();
    this.nextTime = 0;
    return played;
  }
}
