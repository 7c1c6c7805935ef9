package perception.speech.piper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference implementation, piper-tts 1.8.0 from PyPI, in a venv under target/ made on first
 * use (pip is PyPI's own client). Without python3 or PyPI the test fails and says how to get it.
 */
final class PiperReference {
    static final String PACKAGE = "piper-tts==1.8.0";
    static final Path VENV = Path.of("target", "piper-venv");

    private PiperReference() {
    }

    static Path python() throws Exception {
        Path py = VENV.resolve("bin/python");
        if (Files.isExecutable(py) && run(List.of(py.toString(), "-c", "import piper"), 60) == 0) return py;
        String how = "the reference " + PACKAGE + " could not be installed in " + VENV.toAbsolutePath()
                + ": it needs python3 with venv (Debian: apt-get install -y python3-venv) and PyPI; or make it by hand: python3 -m venv "
                + VENV.toAbsolutePath() + " && " + VENV.toAbsolutePath() + "/bin/pip install " + PACKAGE;
        if (run(List.of("python3", "-m", "venv", VENV.toString()), 300) != 0) throw new AssertionError(how);
        if (run(List.of(VENV.resolve("bin/pip").toString(), "install", "-q", PACKAGE), 900) != 0) throw new AssertionError(how);
        return py;
    }

    /** reference.py's answer for the lines of {@code sentences}. */
    static JsonNode run(Path onnx, Path sentences) throws Exception {
        Path script = Path.of("target", "piper-reference.py");
        try (InputStream in = PiperReference.class.getResourceAsStream("/piper/reference.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Path out = Files.createTempFile(Path.of("target"), "piper-ref", ".json");
        int rc = run(List.of(python().toString(), script.toString(), onnx.toString(), sentences.toString(), out.toString()), 900);
        if (rc != 0) throw new AssertionError("piper-tts reference run failed (exit " + rc + "); see target/piper-reference.log");
        return new ObjectMapper().readTree(out.toFile());
    }

    private static int run(List<String> cmd, long seconds) throws IOException, InterruptedException {
        Files.createDirectories(Path.of("target"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "piper-reference.log").toFile())).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
