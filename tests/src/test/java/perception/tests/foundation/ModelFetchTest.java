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
}
