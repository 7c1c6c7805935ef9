"""Pipecat's own Smart Turn v3 code on the clips SmartTurnParityTest wrote, for the Java port to match.

Usage: python smartturn_reference.py CLIPS OUT
CLIPS: int32 count, then per clip int32 n and n float32 samples (16 kHz), little-endian.
OUT: per clip float64 probability (LocalSmartTurnAnalyzerV3._predict_endpoint, the bundled
smart-turn-v3.2-cpu.onnx) then 80*800 float32 features (compute_whisper_log_mel_features of the
last 8 s left-padded with zeros, as _predict_endpoint feeds it).
"""
import hashlib
import struct
import sys

import numpy as np
from loguru import logger

logger.remove()  # pipecat logs its banner and debug lines to stderr; only errors matter here
logger.add(sys.stderr, level="ERROR")

from pipecat.audio.turn.smart_turn import local_smart_turn_v3  # noqa: E402
from pipecat.audio.turn.smart_turn._whisper_features import compute_whisper_log_mel_features  # noqa: E402

WINDOW = 8 * 16000


def last_8s(audio):
    if len(audio) > WINDOW:
        return audio[-WINDOW:]
    return np.pad(audio, (WINDOW - len(audio), 0), mode="constant", constant_values=0)


def main(clips_path, out_path):
    analyzer = local_smart_turn_v3.LocalSmartTurnAnalyzerV3(sample_rate=16000)
    from importlib import resources

    model = resources.files("pipecat.audio.turn.smart_turn.data").joinpath("smart-turn-v3.2-cpu.onnx").read_bytes()
    print("pipecat's bundled model sha256", hashlib.sha256(model).hexdigest())
    with open(clips_path, "rb") as f, open(out_path, "wb") as out:
        (count,) = struct.unpack("<i", f.read(4))
        for _ in range(count):
            (n,) = struct.unpack("<i", f.read(4))
            audio = np.frombuffer(f.read(4 * n), dtype="<f4").astype(np.float32)
            probability = analyzer._predict_endpoint(audio)["probability"]
            features = compute_whisper_log_mel_features(last_8s(audio), do_normalize=True)
            out.write(struct.pack("<d", probability))
            out.write(features.astype("<f4").tobytes())
    print("clips", count)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
