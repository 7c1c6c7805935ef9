package perception.tests.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * models/Fetch.java against a manifest of its own: files come from a mirror folder, are verified
 * by sha256, a corrupted copy is detected and refetched, and a bad source is reported.
 */
class ModelFetchTest {
    static final Path ROOT = Path.of(System.getProperty("gateway.models.dir", "../models")).toAbsolutePath().getParent();

    @TempDir
    Path tmp;

    record Run(int exit, String output) {
    }

    Run fetch(Path mirror, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                ROOT.resolve("models/Fetch.java").toString(), "--manifest", tmp.resolve("models.json").toString(),
                "--models-dir", tmp.resolve("models").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("MODELS_MIRROR", mirror.toString());
        pb.environment().remove("GATEWAY_MODELS_DIR");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Run(p.waitFor(), out);
    }

    void manifest(String sha256, long size) throws Exception {
        Files.writeString(tmp.resolve("models.json"), """
                {"models": [{"id": "tiny", "task": "test", "default": true, "licence": "CC0", "dir": "tiny",
                  "source": {"url": true},
                  "files": [{"path": "weights.bin", "size": %d, "sha256": "%s", "url": "https://invalid.invalid/weights.bin"}]}]}
                """.formatted(size, sha256));
    }

    @Test
    void fetchesFromMirrorVerifiesAndRefetchesACorruptedFile() throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        byte[] weights = "0123456789abcdef".repeat(1000).getBytes();
        Files.write(mirror.resolve("weights.bin"), weights);
        manifest(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(weights)), weights.length);

        Run first = fetch(mirror);
        assertEquals(0, first.exit(), first.output());
        assertTrue(first.output().contains("fetched  tiny"), first.output());
        Path placed = tmp.resolve("models/tiny/weights.bin");
        assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(placed)));

        Run again = fetch(mirror);
        assertTrue(again.output().contains("ok       tiny"), "idempotent: " + again.output());

        byte[] corrupted = weights.clone();
        corrupted[100] ^= 1;
        Files.write(placed, corrupted);
        Run check = fetch(mirror, "--check");
        assertNotEquals(0, check.exit(), "--check reports the corrupt file");
        assertTrue(check.output().contains("sha256"), check.output());

        Run repair = fetch(mirror);
        assertEquals(0, repair.exit(), repair.output());
        assertTrue(repair.output().contains("corrupt  tiny: weights.bin sha256"), repair.output());
        assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(placed)), "refetched");
    }

    @Test
    void aSourceWithTheWrongBytesIsReportedAndNothingIsInstalled() throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        Files.write(mirror.resolve("weights.bin"), new byte[] {1, 2, 3});
        manifest("00".repeat(32), 3);
        Run run = fetch(mirror);
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("FAILED   tiny: weights.bin from the source sha256"), run.output());
        assertTrue(run.output().contains("MODELS_MIRROR"), "says what to do: " + run.output());
        assertTrue(Files.notExists(tmp.resolve("models/tiny/weights.bin")));
    }

    @Test
    void anUnknownIdSaysHowToListTheKnownOnes() throws Exception {
        manifest("00".repeat(32), 3);
        Run run = fetch(tmp, "nosuchmodel");
        assertEquals(1, run.exit());
        assertTrue(run.output().contains("unknown model 'nosuchmodel': run ./run-gateway models fetch --list"), run.output());
    }

    void manifestAt(String url, byte[] weights) throws Exception {
        Files.writeString(tmp.resolve("models.json"), """
                {"models": [{"id": "tiny", "task": "chat", "default": false, "licence": "CC0", "dir": "tiny",
                  "source": {"url": true},
                  "files": [{"path": "weights.bin", "size": %d, "sha256": "%s", "url": "%s"}]}]}
                """.formatted(weights.length, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(weights)), url));
    }

    @Test
    void ifReachableSaysInOneLineWhenTheSourceIsDownAndStillExitsZero() throws Exception {
        Path emptyMirror = Files.createDirectories(tmp.resolve("mirror"));
        for (String url : List.of("http://127.0.0.1:1/weights.bin", "https://invalid.invalid/weights.bin")) {
            manifestAt(url, "w".repeat(100).getBytes());
            Run run = fetch(emptyMirror, "--if-reachable", "tiny");
            assertEquals(0, run.exit(), "start-up goes on: " + run.output());
            assertEquals(1, run.output().strip().lines().count(), "one line: " + run.output());
            assertTrue(run.output().contains("default chat model tiny not fetched") && run.output().contains("unreachable")
                    && run.output().contains("./run-gateway models fetch tiny") && run.output().contains("GATEWAY_LLM_URL"), run.output());
            assertTrue(!Files.exists(tmp.resolve("models/tiny/weights.bin")));
        }
    }

    @Test
    void ifReachableFetchesWhenTheSourceAnswers() throws Exception {
        byte[] weights = "0123456789abcdef".repeat(500).getBytes();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/weights.bin", ex -> {
            ex.sendResponseHeaders(200, "HEAD".equals(ex.getRequestMethod()) ? -1 : weights.length);
            if (!"HEAD".equals(ex.getRequestMethod())) ex.getResponseBody().write(weights);
            ex.close();
        });
        server.start();
        try {
            manifestAt("http://127.0.0.1:" + server.getAddress().getPort() + "/weights.bin", weights);
            Run run = fetch(Files.createDirectories(tmp.resolve("mirror")), "--if-reachable", "tiny");
            assertEquals(0, run.exit(), run.output());
            assertTrue(run.output().contains("fetching the default chat model tiny") && run.output().contains("fetched  tiny"), run.output());
            assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(tmp.resolve("models/tiny/weights.bin"))));
            assertEquals("", fetch(tmp.resolve("mirror"), "--if-reachable", "tiny").output().strip(), "present: nothing to say");
        } finally {
            server.stop(0);
        }
    }
}
