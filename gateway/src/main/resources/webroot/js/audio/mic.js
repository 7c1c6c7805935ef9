// The microphone through the PCM16 capture worklet: start() asks for the mic, onChunk gets PCM16 at 24 kHz.

import { mediaErrorMessage } from '../notice.js';

export class Microphone {
  /** @param {AudioContext} context  @param {(pcm: ArrayBuffer, peak: number) => void} onChunk */
  constructor(context, onChunk, { targetRate = 24000, chunkMs = 40 } = {}) {
    this.context = context;
    this.onChunk = onChunk;
    this.options = { targetRate, chunkMs };
    this.stream = null;
    this.node = null;
    this.source = null;
  }

  get active() {
    return this.stream !== null;
  }

  /** Opens the mic; throws an Error whose message tells the person what to do. */
  async start() {
    if (this.stream) return;
    if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) throw new Error(mediaErrorMessage(null, 'microphone'));
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
    } catch (e) {
      throw new Error(mediaErrorMessage(e, 'microphone'));
    }
    await Microphone.loadWorklet(this.context);
    if (this.context.state !== 'running') await this.context.resume();
    this.stream = stream;
    this.source = this.context.createMediaStreamSource(stream);
    this.node = new AudioWorkletNode(this.context, 'pcm16-capture', { processorOptions: this.options, numberOfOutputs: 0 });
    this.node.port.onmessage = e => this.onChunk(e.data.pcm, e.data.peak);
    this.source.connect(this.node);
  }

  /** Sends what is buffered in the worklet now (end of a push-to-talk turn). */
  flush() {
    this.node?.port.postMessage('flush');
  }

  stop() {
    this.flush();
    this.source?.disconnect();
    this.node?.port.close();
    this.stream?.getTracks().forEach(t => t.stop());
    this.stream = this.node = this.source = null;
  }

  static loadWorklet(context) {
    if (!context.__pcm16Loaded) context.__pcm16Loaded = context.audioWorklet.addModule(new URL('./pcm16-capture.worklet.js', import.meta.url));
    return context.__pcm16Loaded;
  }
}
