package perception.tests.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vosk.Model;
import org.vosk.Recognizer;
import perception.speech.WordErrorRate;
import perception.tests.TestGateway;

/** The speech endpoints end to end: a real gateway on a real socket, real models, generated speech. */
class SpeechEndpointsTest {
    static TestGateway gateway;
    static SpeechClient client;
    static List<String> sentences;
    static List<byte[]> pcm16k;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start("analyzers", "", "llm_backend", "none", "max_body_mb", "2");
        client = new SpeechClient(gateway.port());
        sentences = SpeechFixtures.sentences();
        pcm16k = sentences.stream().map(s -> SpeechFixtures.speak(s, 16000)).toList();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    static JsonObject json(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    /** Runs {@code work} for every index on 2 threads (the cores we have), results in order. */
    static <T> List<T> parallel(int n, java.util.function.IntFunction<T> work) throws Exception {
        return parallel(n, 2, work);
    }

    static <T> List<T> parallel(int n, int threads, java.util.function.IntFunction<T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(pool.submit(() -> work.apply(k)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static double wer(List<String> heard) {
        int errors = 0, words = 0;
        for (int i = 0; i < heard.size(); i++) {
            errors += WordErrorRate.errors(sentences.get(i), heard.get(i));
            words += WordErrorRate.words(sentences.get(i)).size();
        }
        return errors / (double) words;
    }

    static String post(byte[] wav) {
        try {
            return json(client.transcribe(wav)).getString("text");
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    /**
     * Vosk 0.3.45 itself is not deterministic across recognizers of one shared model: the same audio
     * on 3 threads came back once as "but children played..." and five times as "the children
     * played...", and even one request at a time the first word of a sentence sometimes flips with
     * what the model decoded before. So "the same words" is checked as: at most one word apart per
     * sentence and two over all, same bytes fed in the same 0.25 s chunks on every path.
     */
    @Test
    void httpAndWebSocketHearTheSameWordsAsVoskItself() throws Exception {
        List<String> http = parallel(sentences.size(), 1, i -> post(SpeechClient.wav(pcm16k.get(i), 16000)));
        double wer = wer(http);
        assertTrue(wer <= 0.10, "HTTP WER " + wer + ": " + http);

        List<SpeechClient.Session> ws = parallel(sentences.size(), 1, i -> {
            try {
                return client.stream(pcm16k.get(i), 16000, 8000, false);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        List<String> direct = new ArrayList<>();
        try (Model model = new Model(TestGateway.modelsDir().resolve("vosk-en").toString())) {
            for (byte[] pcm : pcm16k.subList(0, DIRECT)) direct.add(voskDirect(model, pcm));
        }
        int wsApart = 0, directApart = 0;
        for (int i = 0; i < sentences.size(); i++) {
            SpeechClient.Session s = ws.get(i);
            assertEquals(1000, s.awaitClose());
            int apart = WordErrorRate.errors(http.get(i), s.finalText());
            assertTrue(apart <= 1, "HTTP and WebSocket hear the same words: '" + http.get(i) + "' vs '" + s.finalText() + "'");
            wsApart += apart;
            if (i < DIRECT) {
                int fromVosk = WordErrorRate.errors(direct.get(i), http.get(i));
                assertTrue(fromVosk <= 1, "the gateway equals Vosk itself: '" + direct.get(i) + "' vs '" + http.get(i) + "'");
                directApart += fromVosk;
            }
            assertTrue(s.partials() > 0, "partials before eof: " + s.messages);
            JsonObject last = s.messages.get(s.messages.size() - 1);
            JsonArray words = last.getJsonArray("result", new JsonArray());
            if (!last.getString("text").isBlank()) {
                assertTrue(!words.isEmpty() && words.getJsonObject(0).containsKey("conf") && words.getJsonObject(0).containsKey("start"), last.encode());
            }
        }
        assertTrue(wsApart <= 2 && directApart <= 1, "words apart: WebSocket vs HTTP " + wsApart + ", HTTP vs Vosk " + directApart);
        assertTrue(wer(ws.stream().map(SpeechClient.Session::finalText).toList()) <= 0.10, "WebSocket WER");
    }

    /** Sentences also run through Vosk directly (each costs a second of CPU; 4 show equality). */
    static final int DIRECT = 4;

    /**
     * Vosk's own output: the library without the gateway, fed the same 16 kHz audio in 0.25 s chunks
     * as a live stream (and the gateway's file path) feeds it; Kaldi's endpointing looks at chunk ends.
     */
    static String voskDirect(Model model, byte[] pcm) throws Exception {
        List<String> parts = new ArrayList<>();
        try (Recognizer r = new Recognizer(model, 16000)) {
            r.setWords(true);
            for (int i = 0; i < pcm.length; i += 8000) {
                byte[] chunk = java.util.Arrays.copyOfRange(pcm, i, Math.min(pcm.length, i + 8000));
                if (r.acceptWaveForm(chunk, chunk.length)) parts.add(new JsonObject(r.getResult()).getString("text"));
            }
            parts.add(new JsonObject(r.getFinalResult()).getString("text"));
        }
        return String.join(" ", parts.stream().filter(t -> !t.isBlank()).toList());
    }

    @Test
    void otherSampleRatesStayWithinTwoPointsOf16k() throws Exception {
        List<String> some = sentences.subList(0, 6);
        String joined = String.join(" ", some);
        double base = WordErrorRate.of(joined, post(SpeechClient.wav(concat(pcm16k.subList(0, 6), 16000), 16000)));
        int[] rates = {8000, 22050, 44100, 48000};
        List<String> heard = parallel(rates.length, k -> post(SpeechClient.wav(
                concat(some.stream().map(s -> SpeechFixtures.speak(s, rates[k])).toList(), rates[k]), rates[k])));
        for (int k = 0; k < rates.length; k++) {
            double wer = WordErrorRate.of(joined, heard.get(k));
            assertTrue(wer <= base + 0.02, rates[k] + " Hz: WER " + wer + " vs " + base + " at 16 kHz: " + heard.get(k));
        }
    }

    /** The parts with 0.5 s of silence after each, at {@code rate}. */
    static byte[] concat(List<byte[]> parts, int rate) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
            out.writeBytes(new byte[rate]); // 0.5 s of 16-bit samples
        }
        return out.toByteArray();
    }

    @Test
    void fourParallelStreamsEachGetTheirOwnWords() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<SpeechClient.Session>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int k = i + 4;
                fs.add(pool.submit(() -> client.stream(pcm16k.get(k), 16000, 3200, true)));
            }
            for (int i = 0; i < 4; i++) {
                String text = fs.get(i).get().finalText();
                assertTrue(WordErrorRate.of(sentences.get(i + 4), text) <= 0.2, sentences.get(i + 4) + " -> " + text);
                for (int j = 0; j < 4; j++) {
                    if (j == i) continue;
                    // no word that only another stream's sentence has
                    List<String> mine = WordErrorRate.words(sentences.get(i + 4));
                    for (String w : WordErrorRate.words(sentences.get(j + 4))) {
                        if (!mine.contains(w) && w.length() > 4) assertTrue(!WordErrorRate.words(text).contains(w), "cross-talk '" + w + "' in " + text);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void responseFormatsAndTimestamps() throws Exception {
        byte[] wav = SpeechClient.wav(concat(pcm16k.subList(0, 2), 16000), 16000);
        JsonObject v = json(client.transcribe(wav, "response_format", "verbose_json",
                "timestamp_granularities[]", "word", "timestamp_granularities[]", "segment", "language", "en"));
        assertEquals("transcribe", v.getString("task"));
        assertEquals((wav.length - 44) / 32000.0, v.getDouble("duration"), 0.01);
        JsonArray words = v.getJsonArray("words");
        assertEquals(WordErrorRate.words(v.getString("text")).size(), words.size());
        double previous = 0;
        for (int i = 0; i < words.size(); i++) {
            JsonObject w = words.getJsonObject(i);
            assertTrue(w.getDouble("start") >= previous - 1e-9 && w.getDouble("end") > w.getDouble("start"), w.encode());
            previous = w.getDouble("end");
        }
        JsonArray segments = v.getJsonArray("segments");
        assertTrue(segments.size() >= 1, v.encode());
        for (int i = 0; i < segments.size(); i++) {
            JsonObject s = segments.getJsonObject(i);
            for (String key : List.of("id", "seek", "start", "end", "text", "tokens", "temperature", "avg_logprob", "compression_ratio", "no_speech_prob")) {
                assertTrue(s.containsKey(key), key + " missing in " + s.encode());
            }
        }
        HttpResponse<String> text = client.transcribe(wav, "response_format", "text");
        assertEquals(v.getString("text"), text.body().trim());
        assertTrue(text.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        String srt = client.transcribe(wav, "response_format", "srt").body();
        assertTrue(srt.startsWith("1\n00:00:0") && srt.contains(" --> "), srt);
        String vtt = client.transcribe(wav, "response_format", "vtt").body();
        assertTrue(vtt.startsWith("WEBVTT\n\n00:00:0") && vtt.contains("."), vtt);
        // a browser recording (WebM/Opus made by the ffmpeg tool, see speech/src/test/resources/media/make.sh)
        byte[] webm = Files.readAllBytes(Path.of("../speech/src/test/resources/media/sentence.webm"));
        String heard = json(client.transcribe(webm, "audio.webm", Map.of("model", List.of("whisper-1")))).getString("text");
        assertTrue(WordErrorRate.of("Please send me the report before the meeting tomorrow morning.", heard) <= 0.1, heard);
        // valid silence is an empty transcript, not an error
        assertEquals("", json(client.transcribe(SpeechClient.wav(new byte[32000], 16000))).getString("text"));
    }

    @Test
    void speechStreamsWavAndPcmThatTranscribeBack() throws Exception {
        String sentence = "Please close the window because it is cold outside.";
        // the streaming formats, with the FreeTTS voice: Piper's round trip varies too much on this sentence
        // ("police closed the window because of this cold" seen) and is PiperSpeechTest's subject
        HttpResponse<byte[]> wav = client.speech(new JsonObject().put("model", "tts-1").put("voice", "kevin16")
                .put("input", "Good morning. " + sentence).put("response_format", "wav").encode());
        assertEquals(200, wav.statusCode());
        assertEquals("audio/wav", wav.headers().firstValue("content-type").orElse(""));
        assertTrue(wav.headers().firstValue("content-length").isEmpty(), "streamed (chunked), not buffered");
        ByteBuffer h = ByteBuffer.wrap(wav.body()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(24000, h.getInt(24));
        assertEquals(1, h.getShort(22));
        String heard = json(client.transcribe(wav.body())).getString("text");
        assertTrue(WordErrorRate.of("good morning " + sentence, heard) <= 0.3, heard);

        HttpResponse<byte[]> pcm = client.speech(new JsonObject().put("model", "tts-1").put("voice", "nova")
                .put("input", sentence).put("response_format", "pcm").put("speed", 1.0).encode());
        assertEquals(200, pcm.statusCode());
        assertEquals(0, pcm.body().length % 2);
        double seconds = pcm.body().length / 48000.0;
        assertTrue(seconds > 1.5 && seconds < 6, seconds + " s");
        // Piper's durations vary a little run to run (noise_w), so "Good morning. " is bounded, not matched
        double extra = (wav.body().length - 44 - pcm.body().length) / 48000.0;
        assertTrue(extra > 0.3 && extra < 2.5, "wav = header + 'Good morning.' + the same sentence: " + extra + " s more");
    }

    @Test
    void badRequestsGetOpenAiErrors() throws Exception {
        Map<String, HttpResponse<String>> bad = new java.util.LinkedHashMap<>();
        bad.put("no file", client.transcribe(null, "x", Map.of("model", List.of("whisper-1"))));
        bad.put("empty file", client.transcribe(new byte[0]));
        bad.put("text file", client.transcribe("this is not audio at all, just words in a text file".repeat(10).getBytes()));
        bad.put("truncated wav", client.transcribe(java.util.Arrays.copyOf(SpeechClient.wav(pcm16k.get(0), 16000), 30)));
        bad.put("bad format", client.transcribe(SpeechClient.wav(new byte[3200], 16000), "response_format", "mp3"));
        bad.put("bad model", client.transcribe(SpeechClient.wav(new byte[3200], 16000), "model", "no-such-model"));
        bad.put("french", client.transcribe(SpeechClient.wav(new byte[3200], 16000), "language", "fr"));
        bad.put("bad granularity", client.transcribe(SpeechClient.wav(new byte[3200], 16000), "response_format", "verbose_json", "timestamp_granularities[]", "char"));
        for (var e : bad.entrySet()) {
            assertEquals(400, e.getValue().statusCode(), e.getKey() + ": " + e.getValue().body());
            JsonObject error = new JsonObject(e.getValue().body()).getJsonObject("error");
            assertTrue(!error.getString("message").isBlank() && error.containsKey("type") && error.containsKey("code"), e.getKey() + ": " + error);
        }
        HttpResponse<String> huge = client.transcribe(SpeechClient.wav(new byte[3 * 1024 * 1024], 16000));
        assertEquals(413, huge.statusCode(), huge.body());

        for (String body : List.of("{not json", "{\"model\":\"tts-1\",\"voice\":\"alloy\"}", "{\"input\":\"hi\",\"speed\":9}",
                "{\"input\":\"hi\",\"response_format\":\"mp3\"}", "{\"input\":42}", "[1,2]")) {
            HttpResponse<byte[]> r = client.speech(body);
            assertEquals(400, r.statusCode(), body + " -> " + new String(r.body()));
            assertTrue(new JsonObject(new String(r.body())).getJsonObject("error").containsKey("message"), body);
        }
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir"), "perception-decode"))) {
            assertEquals(0, files.count(), "decoder temp files left behind");
        }
    }

    @Test
    void webSocketGarbageIsRefusedAndOthersAreUnaffected() throws Exception {
        SpeechClient.Session healthy = client.connect();
        healthy.ws.sendText(new JsonObject().put("config", new JsonObject().put("sample_rate", 16000)).encode(), true).get();
        healthy.ws.sendBinary(ByteBuffer.wrap(pcm16k.get(0), 0, 32000), true).get();

        Object[][] cases = {
                {"not json", 1007}, {"{\"config\":{\"sample_rate\":0}}", 1003}, {"{\"config\":{\"sample_rate\":1000000000}}", 1003},
                {"{\"hello\":1}", 1003}, {new byte[]{1, 2, 3}, 1007}};
        for (Object[] c : cases) {
            SpeechClient.Session s = client.connect();
            if (c[0] instanceof String t) s.ws.sendText(t, true).get();
            else {
                s.ws.sendBinary(ByteBuffer.wrap(new byte[3200]), true).get();
                s.ws.sendBinary(ByteBuffer.wrap((byte[]) c[0]), true).get();
            }
            assertEquals(c[1], s.awaitClose(), "close code for " + c[0]);
            JsonObject last = s.messages.get(s.messages.size() - 1);
            assertTrue(last.getJsonObject("error").getString("message").length() > 10, last.encode());
        }
        // a client that vanishes mid-stream
        SpeechClient.Session gone = client.connect();
        gone.ws.sendBinary(ByteBuffer.wrap(pcm16k.get(1), 0, 16000), true).get();
        gone.ws.abort();

        byte[] rest = java.util.Arrays.copyOfRange(pcm16k.get(0), 32000, pcm16k.get(0).length);
        healthy.ws.sendBinary(ByteBuffer.wrap(rest), true).get();
        healthy.ws.sendText("{\"eof\" : 1}", true).get();
        assertEquals(1000, healthy.awaitClose());
        assertTrue(WordErrorRate.of(sentences.get(0), healthy.finalText()) <= 0.1, healthy.finalText());

        // every recogniser is released: the gauge of open sessions drops to 0
        String sessions = "";
        for (int i = 0; i < 50; i++) {
            sessions = client.metrics().lines().filter(l -> l.startsWith("perception_speech_sessions")).findFirst().orElse("");
            if (sessions.endsWith(" 0.0")) break;
            Thread.sleep(100);
        }
        assertTrue(sessions.endsWith(" 0.0"), "open sessions after all clients left: " + sessions);
    }
}
