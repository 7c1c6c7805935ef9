"""Does Smart Turn hear a mid-sentence pause in a synthetic voice other than FreeTTS? (docs/turn-taking.md)

pipecat's own LocalSmartTurnAnalyzerV3 (equal to the Java port: SmartTurnParityTest) on espeak-ng's
en-us voice: the 24 sentences of RealtimeLatencyBench's pause set, each said through with an SSML
break at its word boundary (the intonation stays unfinished), judged 200 ms into the break; each
first part said on its own; each whole sentence, 200 ms after its end. Then the same with 0.3 s of
digital silence before and background noise of three levels over everything.

Run (after SmartTurnParityTest made the venv; needs apt-get install espeak-ng):
    speech/target/smartturn-venv/bin/python docs/smartturn-espeak-check.py
"""
import subprocess, numpy as np, sys, io, wave
from loguru import logger
logger.remove()
from pipecat.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3
import soxr
a = LocalSmartTurnAnalyzerV3(sample_rate=16000)
PAUSED = [("Turn on the lights in the kitchen and", "the hallway too."), ("What is the weather like in", "Paris tomorrow?"),
("I would like to know um", "how far away the moon is."), ("Tell me a story about", "a brave little dragon."),
("Set a timer for ten minutes because", "the pasta is cooking."), ("Can you remind me to", "call my mother tonight?"),
("Play some music so", "I can relax a bit."), ("How many people live in", "the city of London?"),
("Please add milk and eggs and", "bread to the shopping list."), ("What time does the", "train to Boston leave?"),
("My brother told me", "that the shop is closed."), ("I think the meeting", "starts at noon."), ("The car needs", "more fuel before the trip."),
("We should leave", "before it gets dark."), ("Yesterday I went", "to the market."), ("What time is it", "in Tokyo right now?"),
("Turn off the radio", "in the living room."), ("Is it going to rain", "this afternoon?"), ("Open the window", "a little bit please."),
("How far is it", "to the airport from here?"), ("I left my keys on the kitchen table", "next to the bread."),
("We watched a film about a famous painter", "last night at home."), ("My sister bought a new bicycle", "for the summer holidays."),
("The children played in the big garden", "until the sun went down.")]
def speak(text, ssml=False):
    args = ["espeak-ng", "--stdout", "-v", "en-us"] + (["-m"] if ssml else []) + [text]
    w = wave.open(io.BytesIO(subprocess.run(args, capture_output=True, check=True).stdout))
    x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768
    return soxr.resample(x, w.getframerate(), 16000)
def voiced_end(x):
    f = 160; e = [np.abs(x[i:i+f]).max() for i in range(0, len(x), f)]
    idx = [i for i, v in enumerate(e) if v > 0.01]
    return (idx[-1] + 1) * f
def p(x): return a._predict_endpoint(np.concatenate([x, np.zeros(3200, np.float32)]).astype(np.float32))["probability"]
mid, whole, frag = [], [], []
for s0, s1 in PAUSED:
    # SSML break: the sentence said through, with a 400 ms break at the word boundary; judged 200 ms into the break
    y = speak(f"<speak>{s0} <break time=\"1500ms\"/> {s1}</speak>", True)
    f = 160; e = np.array([np.abs(y[i:i+f]).max() for i in range(0, len(y) - f, f)])
    q = e < 0.01
    # the longest run of quiet frames is the break
    best, start, run = (0, 0), None, 0
    for i, v in enumerate(q):
        if v: run += 1
        else: run = 0
        if run > best[0]: best = (run, i - run + 1)
    cut = best[1] * f
    mid.append(p(y[:cut])); whole.append(p(y[:voiced_end(y)])); frag.append(p(speak(s0)[:voiced_end(speak(s0))]))
    print(f"{s0!r:45} mid {mid[-1]:.3f}  fragment-alone {frag[-1]:.3f}  whole {whole[-1]:.3f}")
thr = 0.5
print(f"espeak-ng en-us, 24 sentences, judged at 200 ms of silence, threshold {thr}: mid-sentence (SSML break) judged complete {sum(v>=thr for v in mid)}/24, fragment said alone {sum(v>=thr for v in frag)}/24, whole sentence complete {sum(v>=thr for v in whole)}/24")

rng = np.random.default_rng(0)
def pn(x, amp):
    y = np.concatenate([np.zeros(4800, np.float32), x, np.zeros(3200, np.float32)])
    return a._predict_endpoint((y + rng.normal(0, amp, len(y))).astype(np.float32))["probability"]
def break_at(y):
    f = 160; e = np.array([np.abs(y[i:i+f]).max() for i in range(0, len(y) - f, f)]); q = e < 0.01
    best, run = (0, 0), 0
    for i, v in enumerate(q):
        run = run + 1 if v else 0
        if run > best[0]: best = (run, i - run + 1)
    return best[1] * f
for amp in (0.0, 0.003, 0.01):
    mid, whole = [], []
    for s0, s1 in PAUSED:
        y = speak(f"<speak>{s0} <break time=\"1500ms\"/> {s1}</speak>", True)
        mid.append(pn(y[:break_at(y)], amp)); whole.append(pn(y[:voiced_end(y)], amp))
    print(f"noise {amp}: mid judged complete {sum(v>=0.5 for v in mid)}/24 (mean {np.mean(mid):.2f}), whole complete {sum(v>=0.5 for v in whole)}/24 (mean {np.mean(whole):.2f})")
