package perception.tests.realtime.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import perception.tests.TestGateway;
import perception.tests.realtime.RealtimeClient;
import perception.tests.realtime.SpokenTestModel;
import perception.tests.realtime.SpokenTurn;

/**
 * What a person talking to /v1/realtime waits for, with the embedded test LLM. Each turn is a FreeTTS
 * question trimmed to its voice, streamed in real time as 100 ms appends with {@link #AFTER_S} of
 * silence after it, as a microphone would. The clock starts when the client sends the last append that holds
 * voice; the client times the arrival of speech_stopped, the transcript, the first answer text and
 * the first answer audio, then cancels the rest of the answer. Prints p50/p95 of each stage laid
 * end to end, and the gateway's own response.done latency_ms.
 *
 * <p>Mode {@code pauses}: a spoken set whose sentences hold one pause of 300–450 ms; counts cut-ins
 * (an answer, i.e. response.created, before the user finished) and late answers (first audio more
 * than {@link #LATE_MS} after the end of speech, or none).
 *
 * <p>Mode {@code spliced}: the same sentences said whole, each cut at the same word boundary with
 * the same pause spliced in ({@link SpokenTurn#spliced}): the voice before the pause keeps the
 * sentence's unfinished intonation, as a person's does; in mode {@code pauses} each part is said on
 * its own and so ends as a finished sentence sounds.
 *
 * <p>Mode {@code human}: one human recording, said {@code turns} times — J. F. Kennedy's "And so, my
 * fellow Americans, ask not what your country can do for you, ask what you can do for your
 * country." (inaugural address, 20 January 1961, 11 s at 16 kHz; a work of the US federal
 * government, public domain), as whisper.cpp ships it in samples/jfk.wav, taken from the npm
 * package nodejs-whisper@0.3.1 (which bundles whisper.cpp) by {@code npm pack}, sha256-checked,
 * kept in tests/target/human/; its first 10.45 s (what follows is the onset of the next sound). It
 * holds four pauses of 320–1180 ms inside the sentence.
 *
 * <p>A third argument {@code gguf} answers with the real default model (SmolLM2-135M through llama.cpp)
 * instead of the embedded test LLM, so the time to first audio includes a real model's prefill.
 *
 * <p>A fourth argument names the turn detectors to compare in the same run, on the same gateway, one
 * after the other (comma list, default {@code vad,words,model}): {@code vad} is server_vad with
 * OpenAI's fixed 500 ms silence, {@code words} the word rules (server_vad with
 * min_silence_duration_ms 200: 200 ms after a question or command, else 500 ms), {@code model}
 * Smart Turn v3 (semantic_vad, eagerness auto: the default session), {@code veto} the model with
 * the words' veto on a hanging last word. At the end the model's decisions and their mean cost
 * (from /metrics).
 *
 * <pre>java -cp ... perception.tests.realtime.bench.RealtimeLatencyBench [turns] [latency|pauses] [test|gguf] [vad,words,model,veto]</pre>
 */
public final class RealtimeLatencyBench {
    static final long LATE_MS = 800;
    /**
     * Silence streamed after each turn, in seconds: longer than the turn model's longest silence
     * (turn_model_max_silence_ms, 1.5 s), so that a turn it keeps open still ends before the
     * client stops sending (a microphone never stops; this client does).
     */
    static final double AFTER_S = 2.5;
    static final String[] QUESTIONS = {"What will the weather be like tomorrow?", "Please turn on the kitchen lights.",
            "How many apples are in the basket?", "Tell me something interesting.", "Where is the nearest train station?",
            "Can you set an alarm for seven?", "Who wrote the book about the white whale?", "Open the garage door."};
    /** Sentences said with one pause: after a word that leaves them unfinished, after a short ordinary phrase, after a part that is itself a question or command, or after a long statement ending on a noun. */
    static final String[][] PAUSED = {
            {"Turn on the lights in the kitchen and", "the hallway too."},
            {"What is the weather like in", "Paris tomorrow?"},
            {"I would like to know um", "how far away the moon is."},
            {"Tell me a story about", "a brave little dragon."},
            {"Set a timer for ten minutes because", "the pasta is cooking."},
            {"Can you remind me to", "call my mother tonight?"},
            {"Play some music so", "I can relax a bit."},
            {"How many people live in", "the city of London?"},
            {"Please add milk and eggs and", "bread to the shopping list."},
            {"What time does the", "train to Boston leave?"},
            {"My brother told me", "that the shop is closed."},
            {"I think the meeting", "starts at noon."},
            {"The car needs", "more fuel before the trip."},
            {"We should leave", "before it gets dark."},
            {"Yesterday I went", "to the market."},
            {"What time is it", "in Tokyo right now?"},
            {"Turn off the radio", "in the living room."},
            {"Is it going to rain", "this afternoon?"},
            {"Open the window", "a little bit please."},
            {"How far is it", "to the airport from here?"},
            {"I left my keys on the kitchen table", "next to the bread."},
            {"We watched a film about a famous painter", "last night at home."},
            {"My sister bought a new bicycle", "for the summer holidays."},
            {"The children played in the big garden", "until the sun went down."}};
    static final int[] PAUSES_MS = {300, 350, 400, 450};

    public static void main(String[] args) throws Exception {
        int turns = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String mode = args.length > 1 ? args[1] : "latency";
        boolean pauses = mode.equals("pauses") || mode.equals("spliced");
        if (mode.equals("human")) human = humanTurn();
        pauses = pauses || human != null;
        if (mode.equals("spliced")) vosk = perception.speech.VoskTranscriber.load(java.nio.file.Path.of(System.getProperty("gateway.models.dir", "models"), "vosk-en"));
        boolean gguf = args.length > 2 && args[2].equals("gguf");
        String[] settings = gguf ? TestGateway.withDefaultLlm("analyzers", "")
                : new String[] {"analyzers", "", "llm_backend", "embedded", "llm_model_dir", SpokenTestModel.write(Files.createTempDirectory("spoken-llm")).toString()};
        List<String> detectors = List.of((args.length > 3 ? args[3] : "vad,words,model").split(","));
        System.out.println(gguf ? "LLM: smollm2-135m (GGUF, llama.cpp)" : "LLM: the embedded test model");
        List<String> summary = new ArrayList<>();
        try (TestGateway gw = TestGateway.start(settings);
             RealtimeClient c = new RealtimeClient(gw.port())) {
            c.await("session.created", 5000);
            for (String d : detectors) {
                c.send(new JsonObject().put("type", "session.update").put("session", new JsonObject().put("audio", new JsonObject()
                        .put("input", new JsonObject().put("turn_detection", turnDetection(d))))));
                c.await("session.updated", 5000);
                System.out.printf("== %s: turn_detection %s%n", d, turnDetection(d).encode());
                summary.add(String.format("%-6s %s", d, pauses ? pauses(c, turns) : latency(c, turns)));
            }
            System.out.println("== summary (" + mode + ", " + turns + " turns each):");
            summary.forEach(System.out::println);
            System.out.println(turnModelCost(gw));
        }
        System.out.printf("load average at the end: %s%n", Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip());
        System.exit(0);
    }

    static JsonObject turnDetection(String detector) {
        return switch (detector) {
            case "vad" -> new JsonObject().put("type", "server_vad").put("silence_duration_ms", 500);
            case "words" -> new JsonObject().put("type", "server_vad").put("silence_duration_ms", 500).put("min_silence_duration_ms", 200);
            case "model" -> new JsonObject().put("type", "semantic_vad").put("eagerness", "auto");
            case "veto" -> new JsonObject().put("type", "semantic_vad").put("eagerness", "auto").put("word_veto", true);
            default -> throw new IllegalArgumentException("turn detector '" + detector + "': use vad, words, model or veto");
        };
    }

    /** The turn model's decisions and their mean cost, from the gateway's /metrics. */
    static String turnModelCost(TestGateway gw) throws Exception {
        var http = (java.net.HttpURLConnection) java.net.URI.create(gw.url("/metrics")).toURL().openConnection();
        http.setRequestProperty("Connection", "close");
        String metrics;
        try (var in = http.getInputStream()) {
            metrics = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        double count = 0, sum = 0, complete = 0;
        for (String line : metrics.lines().toList()) {
            if (line.startsWith("perception_realtime_turn_model_seconds_count")) {
                double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                count += v;
                if (line.contains("verdict=\"complete\"")) complete += v;
            } else if (line.startsWith("perception_realtime_turn_model_seconds_sum")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return count == 0 ? "turn model: no decisions (not loaded, or not asked)"
                : String.format("turn model: %.0f decisions (%.0f complete), mean cost %.1f ms each (features + model, 1 thread)", count, complete, sum / count * 1000);
    }

    static String latency(RealtimeClient c, int turns) throws Exception {
        List<Long> stopped = new ArrayList<>(), transcript = new ArrayList<>(), token = new ArrayList<>(), audio = new ArrayList<>();
        for (int t = 0; t < turns + 2; t++) {
            SpokenTurn q = SpokenTurn.of(QUESTIONS[t % QUESTIONS.length], 0.3, AFTER_S);
            Turn turn = talk(c, q);
            if (t < 2) continue; // warm-up turns
            stopped.add(turn.ms("input_audio_buffer.speech_stopped"));
            transcript.add(turn.ms("conversation.item.input_audio_transcription.completed"));
            token.add(turn.ms("response.output_audio_transcript.delta"));
            audio.add(turn.ms("response.output_audio.delta"));
            System.out.printf("turn %2d: speech_stopped %4d  transcript %4d  first token %4d  first audio %4d ms | gateway latency_ms %s | \"%s\"%n",
                    t - 1, stopped.get(stopped.size() - 1), transcript.get(transcript.size() - 1), token.get(token.size() - 1),
                    audio.get(audio.size() - 1), turn.latency.encode(), turn.transcript);
        }
        System.out.printf("%d turns, from the end of speech (last append holding voice sent):%n", turns);
        System.out.printf("  → speech_stopped        p50 %4d ms  p95 %4d ms%n", pct(stopped, 50), pct(stopped, 95));
        System.out.printf("  → transcript completed  p50 %4d ms  p95 %4d ms%n", pct(transcript, 50), pct(transcript, 95));
        System.out.printf("  → first answer text     p50 %4d ms  p95 %4d ms%n", pct(token, 50), pct(token, 95));
        System.out.printf("  → first answer audio    p50 %4d ms  p95 %4d ms%n", pct(audio, 50), pct(audio, 95));
        return String.format("end of speech → speech_stopped p50 %d p95 %d ms, → first audio p50 %d p95 %d ms",
                pct(stopped, 50), pct(stopped, 95), pct(audio, 50), pct(audio, 95));
    }

    static final String JFK_NPM = "nodejs-whisper@0.3.1", JFK_MEMBER = "package/cpp/whisper.cpp/bindings/go/samples/jfk.wav";
    static final String JFK_SHA256 = "59dfb9a4acb36fe2a2affc14bacbee2920ff435cb13cc314a08c13f66ba7860e";
    /** Mode human: the recording as a turn. */
    static SpokenTurn human;

    /** jfk.wav from the npm package (fetched once into tests/target/human), with 0.3 s before and {@link #AFTER_S} after. */
    static SpokenTurn humanTurn() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of("tests/target/human"), wav = dir.resolve("jfk.wav");
        if (!Files.isRegularFile(wav)) {
            Files.createDirectories(dir);
            run(dir, "npm", "pack", JFK_NPM, "--silent");
            run(dir, "tar", "xzf", "nodejs-whisper-0.3.1.tgz", JFK_MEMBER);
            Files.move(dir.resolve(JFK_MEMBER), wav);
        }
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(wav)));
        if (!sha.equals(JFK_SHA256)) throw new IllegalStateException(wav + " has sha256 " + sha + ", not " + JFK_SHA256 + ": delete it and run again");
        // 16-bit mono 16 kHz PCM: the samples are the "data" chunk
        byte[] bytes = Files.readAllBytes(wav);
        int at = 12;
        while (!new String(bytes, at, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("data")) {
            at += 8 + java.nio.ByteBuffer.wrap(bytes, at + 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        }
        int size = java.nio.ByteBuffer.wrap(bytes, at + 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        float[] voice = perception.speech.Audio.fromPcm16le(java.util.Arrays.copyOfRange(bytes, at + 8, at + 8 + size), SpokenTurn.RATE).samples();
        // the clip's last 0.55 s hold the onset of the next sound (the crowd, or his next words): the sentence ends before it
        voice = java.util.Arrays.copyOf(voice, (int) (10.45 * SpokenTurn.RATE));
        // the end of speech: the last 10 ms whose RMS is above 0.025 (the recording's hiss stays below it)
        int frame = SpokenTurn.RATE / 100, last = 0;
        for (int f = 0; (f + 1) * frame <= voice.length; f++) {
            double e = 0;
            for (int i = f * frame; i < (f + 1) * frame; i++) e += voice[i] * voice[i];
            if (Math.sqrt(e / frame) > 0.025) last = (f + 1) * frame;
        }
        int before = (int) (0.3 * SpokenTurn.RATE);
        float[] audio = new float[before + voice.length + (int) (AFTER_S * SpokenTurn.RATE)];
        System.arraycopy(voice, 0, audio, before, voice.length);
        return new SpokenTurn("and so my fellow americans ask not what your country can do for you ask what you can do for your country", audio, before + last, List.of());
    }

    static void run(java.nio.file.Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        if (!p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException(String.join(" ", command) + " failed");
    }

    /** Mode spliced: Vosk, in the bench itself, finds the word boundaries to cut at. */
    static perception.speech.VoskTranscriber vosk;

    static String pauses(RealtimeClient c, int turns) throws Exception {
        talk(c, SpokenTurn.of(QUESTIONS[0], 0.3, 1.5)); // warm-up
        int cutIns = 0, late = 0, missed = 0;
        List<Long> audio = new ArrayList<>();
        for (int t = 0; t < turns; t++) {
            String[] s = PAUSED[t % PAUSED.length];
            int pause = PAUSES_MS[t % PAUSES_MS.length];
            SpokenTurn q = human != null ? human : vosk != null ? SpokenTurn.spliced(0.3, AFTER_S, s, pause, vosk) : SpokenTurn.of(0.3, AFTER_S, List.of(s), pause);
            Turn turn = talk(c, q);
            String verdict = "ok";
            if (turn.cutIn) {
                cutIns++;
                verdict = "CUT-IN";
            }
            Long first = turn.firstAudioAfterEnd;
            if (first == null) {
                missed++;
                late++;
                verdict += " NO ANSWER";
            } else {
                audio.add(first);
                if (first > LATE_MS) {
                    late++;
                    verdict += " LATE";
                }
            }
            System.out.printf("turn %2d: pause %d ms after \"%s\": first audio %s ms, %s | \"%s\"%n", t + 1, pause, human != null ? "(JFK's own pauses)" : s[0],
                    first, verdict, turn.transcript);
        }
        String line = String.format("%d turns with " + (human != null ? "JFK's four pauses (%s ignored)" : "a %s ms pause") + ": cut-ins %d, late answers (> %d ms or none) %d (none: %d); end of speech → first audio p50 %d ms p95 %d ms",
                turns, java.util.Arrays.toString(PAUSES_MS), cutIns, LATE_MS, late, missed,
                audio.isEmpty() ? -1 : pct(audio, 50), audio.isEmpty() ? -1 : pct(audio, 95));
        System.out.println(line);
        return line;
    }

    /** What one spoken turn brought, timed from the send of the last append holding voice. */
    record Turn(List<JsonObject> events, RealtimeClient c, long endNanos, JsonObject latency, String transcript, boolean cutIn, Long firstAudioAfterEnd) {
        long ms(String type) {
            for (JsonObject e : events) {
                if (type.equals(e.getString("type")) && c.arrival(e) >= endNanos) return (c.arrival(e) - endNanos) / 1_000_000;
            }
            throw new AssertionError("no " + type + " in " + events.stream().map(e -> e.getString("type")).toList());
        }
    }

    /** Speaks the turn, waits for its answer's first audio, cancels the rest and waits for response.done. */
    static Turn talk(RealtimeClient c, SpokenTurn q) throws Exception {
        int from = c.events().size();
        long[] sent = c.speak(q.audio());
        long end = sent[q.lastSpeechChunk()];
        JsonObject first;
        try {
            first = c.await(e -> "response.output_audio.delta".equals(e.getString("type")) && c.arrival(e) >= end, 10_000);
        } catch (AssertionError none) {
            first = null;
        }
        if (first != null) c.send(new JsonObject().put("type", "response.cancel"));
        String id = first == null ? null : first.getString("response_id");
        JsonObject latency = new JsonObject();
        if (id != null) {
            latency = c.await(e -> "response.done".equals(e.getString("type")) && id.equals(e.getJsonObject("response").getString("id")), 30_000)
                    .getJsonObject("response").getJsonObject("latency_ms", new JsonObject());
        }
        List<JsonObject> events = c.events().subList(from, c.events().size());
        boolean cutIn = events.stream().anyMatch(e -> "response.created".equals(e.getString("type")) && c.arrival(e) < end);
        String transcript = events.stream().filter(e -> "conversation.item.input_audio_transcription.completed".equals(e.getString("type")))
                .map(e -> e.getString("transcript")).toList().toString();
        Long firstAudio = first == null ? null : (c.arrival(first) - end) / 1_000_000;
        return new Turn(events, c, end, latency, transcript, cutIn, firstAudio);
    }

    static long pct(List<Long> values, int p) {
        List<Long> s = new ArrayList<>(values);
        s.sort(null);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }
}
