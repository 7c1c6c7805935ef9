package perception.tests.foundation.bench;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import perception.tests.foundation.PackagedGateway;
import perception.tests.speech.SpeechClient;
import perception.tests.speech.SpeechFixtures;
import perception.tests.vision.VisionMedia;

/**
 * Idle resident memory of the packaged gateway (java -jar, default models) under several JVM/env
 * settings: RSS from /proc 20 s after /ready, then after one request per sense (WAV and WebM
 * transcription, speech, image describe, video analyze) and 20 s of quiet again.
 *
 * <pre>
 * mvn -B -o -Dmodels.skip=true -pl gateway -am package -DskipTests
 * mvn -B -o -Dmodels.skip=true -Dgateway.models.dir=$PWD/models -pl tests test-compile exec:java \
 *     -Dexec.classpathScope=test -Dexec.mainClass=perception.tests.foundation.bench.IdleMemoryBench
 * </pre>
 * {@code -Dpackaged.jar=...} measures another build, {@code -Dpackaged.java=...} another runtime
 * (e.g. the image's jlink runtime), {@code -Dbench.quiet.ms} the quiet time, {@code -Dbench.only=0,2}
 * which settings run.
 */
public final class IdleMemoryBench {
    record Setting(String name, List<String> jvm, Map<String, String> env, List<String> gateway) {
    }

    public static void main(String[] args) throws Exception {
        long quietMs = Long.getLong("bench.quiet.ms", 20_000);
        List<Setting> settings = List.of(
                new Setting("JVM defaults", List.of(), Map.of(), List.of()),
                new Setting("MALLOC_ARENA_MAX=2", List.of(), Map.of("MALLOC_ARENA_MAX", "2"), List.of()),
                new Setting("shipped (run-gateway, Dockerfile)", PackagedJvm.OPTIONS, Map.of("MALLOC_ARENA_MAX", "2"), List.of()),
                new Setting("shipped, vision off", PackagedJvm.OPTIONS, Map.of("MALLOC_ARENA_MAX", "2"), List.of("--analyzers", "")),
                new Setting("shipped, speech off", PackagedJvm.OPTIONS, Map.of("MALLOC_ARENA_MAX", "2"), List.of("--speech", "false")));
        System.out.printf("jar %s (%.1f MB), java %s, %d s quiet before each reading%n", PackagedGateway.jar(),
                Files.size(PackagedGateway.jar()) / 1e6, PackagedGateway.JAVA, quietMs / 1000);
        byte[] wav = SpeechClient.wav(SpeechFixtures.speak("The quick brown fox jumps over the lazy dog.", 16000), 16000);
        byte[] webm = Files.readAllBytes(PackagedGateway.ROOT.resolve("speech/src/test/resources/media/sentence.webm"));
        byte[] jpeg = Files.readAllBytes(PackagedGateway.ROOT.resolve("vision/src/test/resources/perception/vision/photos/messi5.jpg"));
        Path mp4 = Files.createTempFile("bench-cut", ".mp4");
        VisionMedia.cutVideo(mp4, 10, 4, 2.0);
        byte[] video = Files.readAllBytes(mp4);
        Files.delete(mp4);

        List<String> only = List.of(System.getProperty("bench.only", "").split(","));
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < settings.size(); i++) {
            Setting s = settings.get(i);
            if (!only.get(0).isEmpty() && !only.contains(String.valueOf(i))) continue;
            try (PackagedGateway g = PackagedGateway.start(s.jvm(), s.env(), s.gateway().toArray(String[]::new))) {
                Thread.sleep(quietMs);
                long ready = g.rssKb();
                Map<String, Integer> status = new LinkedHashMap<>();
                SpeechClient speech = new SpeechClient(g.port);
                HttpClient http = HttpClient.newHttpClient();
                for (int round = 0; round < 3; round++) {
                    status.put("wav", speech.transcribe(wav).statusCode());
                    status.put("webm", speech.transcribe(webm, "a.webm", Map.of("model", List.of("whisper-1"))).statusCode());
                    status.put("speech", speech.speech("{\"model\":\"tts-1\",\"voice\":\"alloy\",\"input\":\"Good morning, how are you today?\"}").statusCode());
                    status.put("describe", VisionMedia.postRaw(http, g.url("/v1/images/describe"), "image/jpeg", jpeg).statusCode());
                    HttpResponse<String> v = VisionMedia.postMultipart(http, g.url("/v1/videos/analyze"), "video", video, "fps", "2");
                    status.put("video", v.statusCode());
                }
                long peak = g.statusKb("VmHWM");
                Thread.sleep(quietMs);
                long after = g.rssKb();
                if (Boolean.getBoolean("bench.nmt")) { // needs -Dpackaged.jvm.options=-XX:NativeMemoryTracking=summary
                    new ProcessBuilder(PackagedGateway.JAVA.resolveSibling("jcmd").toString(), String.valueOf(g.process.pid()),
                            "VM.native_memory", "summary").inheritIO().start().waitFor();
                }
                String row = String.format("| %s | %.1f | %d | %d | %d | %s |", s.name(), g.readySeconds, ready / 1024, after / 1024, peak / 1024, status);
                System.out.println(row);
                rows.add(row);
            }
        }
        System.out.println("\n| setting | ready s | idle RSS MB after /ready | idle RSS MB after 3 rounds of every sense | peak RSS MB | HTTP status |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** The JVM options run-gateway and the Dockerfile pass (kept equal to them by hand; docs/operations.md shows both). */
    static final class PackagedJvm {
        static final List<String> OPTIONS = List.of(System.getProperty("bench.shipped.options",
                "-XX:G1PeriodicGCInterval=15000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30").split("\\s+"));
    }
}
