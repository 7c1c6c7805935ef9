// AudioWorklet: the microphone at the context's rate (44.1 or 48 kHz usually) → mono PCM16 at the
// target rate (24 kHz for /v1/realtime), posted in chunks of `chunkMs` with their peak level.
// Downsampling averages the input samples that fall in each output sample's span (a box filter),
// which keeps most of what lies above the new Nyquist frequency out of the speech band.

class Pcm16Capture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { targetRate = 24000, chunkMs = 40 } = options.processorOptions || {};
    this.step = sampleRate / targetRate;              // input samples per output sample
    this.chunk = new Int16Array(Math.round(targetRate * chunkMs / 1000));
    this.filled = 0;
    this.peak = 0;
    this.position = 0;                                // where the next output sample starts, in input samples
    this.carry = new Float32Array(0);                 // input not yet consumed, from the previous block
    this.port.onmessage = e => { if (e.data === 'flush') this.flush(); };
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const frames = channels[0].length;
    const input = new Float32Array(this.carry.length + frames);
    input.set(this.carry);
    for (let i = 0; i < frames; i++) {                // mix down to mono
      let sum = 0;
      for (const ch of channels) sum += ch[i];
      input[this.carry.length + i] = sum / channels.length;
    }
    let pos = this.position;
    while (pos + this.step <= input.length) {
      this.emit(this.step >= 1 ? average(input, pos, pos + this.step) : interpolate(input, pos));
      pos += this.step;
    }
    const keep = Math.floor(pos);
    this.carry = input.slice(keep);
    this.position = pos - keep;
    return true;
  }

  emit(sample) {
    const s = Math.max(-1, Math.min(1, sample));
    this.peak = Math.max(this.peak, Math.abs(s));
    this.chunk[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
    if (this.filled === this.chunk.length) this.flush();
  }

  flush() {
    if (this.filled === 0) return;
    const pcm = this.chunk.slice(0, this.filled);
    this.port.postMessage({ pcm: pcm.buffer, peak: this.peak }, [pcm.buffer]);
    this.filled = 0;
    this.peak = 0;
  }
}

/** Mean of input over [from, to), weighting the partial samples at both ends. */
function average(input, from, to) {
  let sum = 0;
  let i = Math.floor(from);
  const first = 1 - (from - i);
  sum += input[i] * first;
  let weight = first;
  for (i = i + 1; i < Math.floor(to); i++) { sum += input[i]; weight += 1; }
  const last = to - Math.floor(to);
  if (last > 0 && i < input.length) { sum += input[i] * last; weight += last; }
  return sum / weight;
}

function interpolate(input, pos) {
  const i = Math.floor(pos);
  const f = pos - i;
  const next = i + 1 < input.length ? input[i + 1] : input[i];
  return input[i] * (1 - f) + next * f;
}

registerProcessor('pcm16-capture', Pcm16Capture);
