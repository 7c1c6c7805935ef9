package perception.tests.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.tests.TestGateway;
import perception.tests.realtime.SpokenTestModel;

/**
 * The page at {@code /} in a real headless chromium (Debian's, driven by playwright-core) against a
 * real gateway, with the fake microphone saying a generated sentence and the fake camera playing a
 * generated video of real photos. Screenshots of each view go to tests/artifacts/.
 */
class WebUiBrowserTest {
    private static final Logger log = LoggerFactory.getLogger(WebUiBrowserTest.class);
    private static TestGateway gateway;
    @TempDir
    static Path media;

    @BeforeAll
    static void start() throws Exception {
        Browser.check(); // fail fast, before the models load, if chromium or playwright-core is missing
        // The embedded test LLM of the realtime tests, which answers in speakable English.
        Path model = spokenTestModel(media.resolve("spoken-llm"));
        gateway = TestGateway.start("llm_backend", "embedded", "llm_model_dir", model.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    /** Show: a photo with a sign goes up; the description shows and every box sits on the pixels the JSON names. */
    @Test
    void showDescribesAPhotoAndDrawsTheBoxesInPlace() throws Exception {
        // 960×720 so the page shows it scaled down (at most 720 px wide): boxes must follow the scale.
        BufferedImage image = WebMedia.photo("dog.jpg", 960, 720);
        int[] sign = WebMedia.sign(image, "EXIT", 640, 560, 56);
        Path photo = media.resolve("dog-with-sign.jpg");
        WebMedia.jpeg(image, photo);

        JsonObject r = Browser.run("show.mjs", 120, "--url=" + gateway.url("/"), "--photo=" + photo,
                "--screenshot=" + Browser.ARTIFACTS.resolve("web-show.png"), "--status-screenshot=" + Browser.ARTIFACTS.resolve("web-status.png"));
        log.info("show: {} boxes, {} ms in the browser; gateway timings {}", r.getJsonArray("boxes").size(), r.getLong("elapsed_ms"),
                r.getJsonObject("json").getJsonObject("timings_ms"));
        assertEquals(200, r.getInteger("status"), r.encodePrettily());
        assertEquals(List.of(), r.getJsonArray("problems").getList(), "page errors");
        assertEquals(List.of(), r.getJsonArray("notices").getList(), "the page showed a problem");
        JsonObject json = r.getJsonObject("json");
        assertEquals(960, json.getInteger("width"));
        String description = json.getString("answer", json.getString("description"));
        assertFalse(description == null || description.isBlank(), "no description in " + json.encode());
        assertEquals(description, r.getString("description"), "the page shows the gateway's description");

        // Every detection of the JSON has its box, at the JSON's coordinates scaled to the shown picture.
        JsonObject shown = r.getJsonObject("image");
        double scale = shown.getDouble("width") / json.getInteger("width");
        assertTrue(scale < 0.9, "the picture should be shown scaled down, scale " + scale);
        assertEquals(json.getInteger("height") * scale, shown.getDouble("height"), 1.0, "aspect ratio kept");
        JsonArray boxes = r.getJsonArray("boxes");
        int expected = 0;
        for (String kind : List.of("objects", "faces", "text")) {
            JsonArray items = json.getJsonArray(kind, new JsonArray());
            for (int i = 0; i < items.size(); i++, expected++) {
                JsonObject box = items.getJsonObject(i).getJsonObject("box");
                JsonObject drawn = find(boxes, kind.equals("objects") ? "object" : kind.equals("faces") ? "face" : "text", i);
                assertNotNull(drawn, "no overlay box for " + kind + "[" + i + "]");
                JsonObject rect = drawn.getJsonObject("rect");
                String what = kind + "[" + i + "] " + items.getJsonObject(i).encode() + " drawn at " + rect.encode();
                assertEquals(shown.getDouble("x") + box.getDouble("x") * scale, rect.getDouble("x"), 1.5, what);
                assertEquals(shown.getDouble("y") + box.getDouble("y") * scale, rect.getDouble("y"), 1.5, what);
                assertEquals(box.getDouble("width") * scale, rect.getDouble("width"), 1.5, what);
                assertEquals(box.getDouble("height") * scale, rect.getDouble("height"), 1.5, what);
            }
        }
        assertEquals(expected, boxes.size(), "one box per detection");
        assertEquals(expected, r.getJsonArray("listed").size(), "one list line per detection");

        // And the boxes are where the things are: the dog (lower left of the photo) and the sign we drew.
        JsonObject dog = firstWith(json.getJsonArray("objects"), "label", "dog");
        assertNotNull(dog, "no dog found: " + json.encode());
        JsonObject d = dog.getJsonObject("box");
        double dogX = d.getDouble("x") + d.getDouble("width") / 2, dogY = d.getDouble("y") + d.getDouble("height") / 2;
        assertTrue(dogX > 170 && dogX < 400 && dogY > 260 && dogY < 680, "dog box centre (" + dogX + ", " + dogY + ") not on the dog");
        JsonObject exit = json.getJsonArray("text", new JsonArray()).stream().map(JsonObject.class::cast)
                .filter(t -> t.getString("text", "").toUpperCase(Locale.ROOT).contains("EXIT")).findFirst().orElse(null);
        assertNotNull(exit, "the sign was not read: " + json.getJsonArray("text"));
        JsonObject e = exit.getJsonObject("box");
        double ex = e.getDouble("x") + e.getDouble("width") / 2, ey = e.getDouble("y") + e.getDouble("height") / 2;
        assertTrue(ex > sign[0] && ex < sign[0] + sign[2] && ey > sign[1] && ey < sign[1] + sign[3],
                "text box centre (" + ex + ", " + ey + ") outside the sign " + Arrays.toString(sign));

        // The Status view (reached with the keyboard) lists the loaded models.
        assertEquals("true", r.getString("statusSelectedByKeyboard"), "arrow keys move between the tabs");
        assertTrue(r.getInteger("statusModels") >= 3, "models listed on the Status view: " + r.getInteger("statusModels"));
    }

    /**
     * Watch: the fake camera plays dog, then person photos; overlays appear, analyses keep coming as
     * fast as the frames sent and the gateway's own analysis time allow, scene changes are logged.
     */
    @Test
    void watchShowsOverlaysAndKeepsAnalysing() throws Exception {
        Path video = media.resolve("camera.y4m");
        WebMedia.y4m(video, 10, 2.0, WebMedia.photo("dog.jpg", 640, 480), WebMedia.photo("person.jpg", 640, 480));

        JsonObject r = Browser.run("watch.mjs", 90, "--url=" + gateway.url("/"), "--video=" + video, "--seconds=6", "--fps=4",
                "--analyzers=objects,faces", "--screenshot=" + Browser.ARTIFACTS.resolve("web-watch.png"));
        log.info("watch: {} frame.analysis and {} frames sent in {} s = {}/s, median analysis work {} ms, latency {} ms, stats {}, {} ms in the browser",
                r.getInteger("analyses_in_window"), r.getInteger("sent_in_window"), r.getDouble("window_s"), r.getDouble("rate_per_s"),
                r.getValue("median_work_ms"), r.getValue("median_latency_ms"), r.getJsonObject("stats"), r.getLong("elapsed_ms"));
        assertEquals(List.of(), r.getJsonArray("problems").getList(), "page errors");
        assertEquals(List.of(), r.getJsonArray("notices").getList(), "the page showed a problem");
        assertNotNull(r.getString("sessionId"), "no session.created from /v1/video");
        assertEquals(640, r.getInteger("videoWidth"), "the fake camera's picture");
        // One analysis at a time, latest frame wins: in the window the gateway can analyse every frame the page sent, or
        // one per analysis (the work its timings_ms report) — whichever is fewer. Half of that is required, so the
        // bound follows the machine's speed and the page's sending rate, not a fixed rate.
        int analyses = r.getInteger("analyses_in_window"), sent = r.getInteger("sent_in_window");
        assertNotNull(r.getValue("median_work_ms"), "no frame.analysis during the window: " + r.getJsonObject("stats"));
        double workMs = r.getDouble("median_work_ms"), windowMs = r.getDouble("window_s") * 1000;
        long possible = (long) Math.min(sent, Math.floor(windowMs / Math.max(workMs, 1)));
        assertTrue(analyses >= Math.max(1, possible / 2), analyses + " frame.analysis in " + windowMs + " ms while the page sent " + sent
                + " frames and an analysis took " + workMs + " ms of work: at least " + Math.max(1, possible / 2) + " expected");
        assertTrue(r.getInteger("max_boxes") >= 1, "no overlay drawn");
        Set<String> labels = r.getJsonArray("boxes").stream().map(b -> ((JsonObject) b).getString("label").split(" ")[0]).collect(Collectors.toSet());
        assertTrue(labels.stream().anyMatch(Set.of("dog", "bicycle", "car", "person", "horse")::contains), "overlay labels " + labels);
        assertTrue(r.getJsonArray("log").stream().anyMatch(l -> "scene".equals(((JsonObject) l).getString("kind"))),
                "no scene change logged though the camera switches photos every 2 s: " + r.getJsonArray("log"));
    }

    /** Talk: the fake microphone says a sentence; its transcript shows and the assistant's spoken answer is played. */
    @Test
    void talkTranscribesASpokenSentenceAndPlaysTheAnswer() throws Exception {
        String sentence = "Open the door and turn on the lights in the kitchen";
        Path wav = media.resolve("sentence.wav");
        WebMedia.spokenWav(sentence, 48000, 1.0, 3.0, wav);

        Path video = media.resolve("talk-camera.y4m");
        WebMedia.y4m(video, 5, 1.0, WebMedia.photo("person.jpg", 320, 240));

        JsonObject r = Browser.run("talk.mjs", 120, "--url=" + gateway.url("/"), "--audio=" + wav, "--wait=90",
                "--video=" + video, "--link=true",
                "--screenshot=" + Browser.ARTIFACTS.resolve("web-talk.png"), "--status-screenshot=" + Browser.ARTIFACTS.resolve("web-status.png"));
        log.info("talk: answers {}, turn row {}, {} ms in the browser", r.getJsonArray("answers"), r.getJsonArray("turnRows"), r.getLong("elapsed_ms"));
        assertEquals(List.of(), r.getJsonArray("notices").getList(), "the page showed a problem");
        assertEquals(true, r.getValue("outcome"), "no played answer: " + r.encodePrettily());
        JsonObject user = r.getJsonArray("users").stream().map(JsonObject.class::cast).filter(u -> u.getBoolean("final")).findFirst().orElse(null);
        assertNotNull(user, "no final transcript on the page: " + r.getJsonArray("users"));
        double recall = wordRecall(sentence, user.getString("text"));
        assertTrue(recall >= 0.7, "transcript '" + user.getString("text") + "' has " + recall + " of the words of '" + sentence + "'");

        JsonObject answer = r.getJsonArray("answers").getJsonObject(0);
        assertEquals("completed", answer.getString("status"), answer.encode());
        assertEquals(spokenAnswer().strip(), answer.getString("text").strip(), "the page shows the model's answer");
        assertTrue(answer.getInteger("audio_ms") > 300, "answer audio received (ms): " + answer.getInteger("audio_ms"));
        // Played to the end, without gaps: every received chunk was scheduled, back to back on the audio clock
        // (tests/browser/talk.mjs records what the page hands to Web Audio), and playback ran until the last one ended.
        JsonObject playback = r.getJsonObject("playback");
        log.info("talk playback: {} chunks, {} ms scheduled, gaps {}, late {}, page underruns {}", playback.getInteger("chunks"),
                playback.getInteger("scheduled_ms"), playback.getJsonArray("gaps"), playback.getInteger("late"), answer.getInteger("underruns"));
        int audioMs = answer.getInteger("audio_ms");
        assertEquals(audioMs, playback.getInteger("scheduled_ms"), 2, "all received audio was scheduled: " + playback.encode());
        List<Object> longGaps = playback.getJsonArray("gaps").stream()
                .filter(g -> ((JsonObject) g).getInteger("gap_ms") > ((JsonObject) g).getInteger("buffer_ms")).toList();
        assertEquals(List.of(), longGaps, "gaps longer than one buffer in the answer's playback; audio deltas reached the page at (ms) "
                + playback.getJsonArray("arrivals_ms"));
        assertEquals(0, playback.getInteger("late"), "chunks scheduled after their time: " + playback.encode());
        assertTrue(answer.getInteger("played_ms") >= audioMs - 2,
                "answer audio played " + answer.getInteger("played_ms") + " of " + audioMs + " ms");
        assertTrue(r.getString("caption").contains("Assistant"), "caption: " + r.getString("caption"));

        List<String> events = r.getJsonArray("events").stream().map(String::valueOf).toList();
        assertInOrder(events, "input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped",
                "conversation.item.input_audio_transcription.completed", "response.created", "response.output_audio.delta", "response.done");
        assertEquals(List.of(), r.getJsonArray("problems").getList(), "page errors");

        // The camera link: the Watch session's id went to the voice session, and the gateway took it.
        String videoSession = r.getString("videoSession");
        assertNotNull(videoSession, "the Watch view got no session id");
        assertTrue(r.getJsonArray("sessionUpdates").stream().anyMatch(u -> videoSession.equals(((JsonObject) u).getString("video_session"))),
                "no session.update linked the camera: " + r.getJsonArray("sessionUpdates"));
        assertTrue(r.getJsonArray("videoSessionsEchoed").contains(videoSession), "session.updated never named the linked camera");

        // The Status view lists the turn with the gateway's latency figures and the audio played.
        JsonArray row = r.getJsonArray("turnRows").getJsonArray(0);
        assertEquals("completed", row.getString(1), "turn row " + row);
        for (int c = 2; c <= 5; c++) assertTrue(row.getString(c).matches("\\d+"), "latency / audio column " + c + " of " + row);
    }

    /** The messages a person reads when the mic or camera is denied, a file is not an image, or the gateway is gone. */
    @Test
    void tellsWhatToDoWhenDevicesAreDeniedOrTheGatewayIsUnreachable() throws Exception {
        Path notImage = media.resolve("notes.txt");
        Files.writeString(notImage, "not a picture");
        JsonObject r = Browser.run("errors.mjs", 60, "--url=" + gateway.url("/"), "--notimage=" + notImage,
                "--screenshot=" + Browser.ARTIFACTS.resolve("web-errors.png"));
        assertEquals(true, r.getBoolean("micDenied"), "no 'microphone was denied' message: " + r.getJsonArray("notices"));
        assertEquals("false", r.getString("micButtonReset"), "the mic button should not stay pressed");
        assertEquals(true, r.getBoolean("cameraDenied"), "no 'camera was denied' message: " + r.getJsonArray("notices"));
        assertEquals(true, r.getBoolean("notImage"), "no 'not an image' message: " + r.getJsonArray("notices"));
        assertEquals(true, r.getBoolean("unreachable"), "no 'cannot reach the gateway' message: " + r.getJsonArray("notices"));
        assertEquals("down", r.getJsonObject("header").getString("state"), r.getJsonObject("header").encode());
    }

    /** The realtime suite's spoken test LLM: one model for both suites. */
    private static Path spokenTestModel(Path dir) {
        return SpokenTestModel.write(dir);
    }

    private static String spokenAnswer() {
        return SpokenTestModel.ANSWER;
    }

    private static JsonObject find(JsonArray boxes, String kind, int index) {
        return boxes.stream().map(JsonObject.class::cast).filter(b -> kind.equals(b.getString("kind")) && b.getInteger("index") == index).findFirst().orElse(null);
    }

    private static JsonObject firstWith(JsonArray items, String key, String value) {
        if (items == null) return null;
        return items.stream().map(JsonObject.class::cast).filter(o -> value.equals(o.getString(key))).findFirst().orElse(null);
    }

    /** Share of the expected words that appear in the transcript (order ignored). */
    static double wordRecall(String expected, String heard) {
        List<String> want = words(expected);
        List<String> got = new ArrayList<>(words(heard));
        int hits = 0;
        for (String w : want) if (got.remove(w)) hits++;
        return want.isEmpty() ? 0 : (double) hits / want.size();
    }

    private static List<String> words(String s) {
        return Arrays.stream(s.toLowerCase(Locale.ROOT).split("[^a-z0-9']+")).filter(w -> !w.isEmpty()).toList();
    }

    private static void assertInOrder(List<String> events, String... expected) {
        int at = -1;
        for (String e : expected) {
            int i = events.subList(at + 1, events.size()).indexOf(e);
            assertTrue(i >= 0, "event " + e + " missing after position " + at + " in " + events);
            at += i + 1;
        }
    }
}
