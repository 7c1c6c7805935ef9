"""The reference: piper-tts 1.8.0's own phoneme ids and audio for each line of a file.

Usage: reference.py VOICE.onnx SENTENCES.txt OUT.json
Per line: ids of each sentence, and the samples made with noise off (noise_scale = noise_w = 0,
so lengths are deterministic) and with the voice's own scales; and piper-tts's time to its first
chunk and in all (for the benchmark). Also writes where its espeak-ng data lives.
"""
import json
import sys
import time

from piper import PiperVoice, SynthesisConfig
from piper.phonemize_espeak import ESPEAK_DATA_DIR

voice = PiperVoice.load(sys.argv[1])
quiet = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
out = {"espeak_data": str(ESPEAK_DATA_DIR), "lines": []}
lines = [l.strip() for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
list(voice.synthesize("Warm up."))
for text in lines:
    ids = [voice.phonemes_to_ids(p) for p in voice.phonemize(text) if p]
    quiet_samples = sum(len(c.audio_float_array) for c in voice.synthesize(text, syn_config=quiet))
    t0 = time.perf_counter()
    first = None
    samples = 0
    for c in voice.synthesize(text):
        if first is None:
            first = time.perf_counter() - t0
        samples += len(c.audio_int16_bytes) // 2
    total = time.perf_counter() - t0
    out["lines"].append({"text": text, "ids": ids, "quiet_samples": quiet_samples, "samples": samples,
                         "first_s": first, "total_s": total})
json.dump(out, open(sys.argv[3], "w", encoding="utf-8"))
