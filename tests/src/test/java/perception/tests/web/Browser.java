package perception.tests.web;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a scenario script of {@code tests/browser} (playwright-core driving Debian's chromium,
 * headless) with node, and returns the one JSON line it prints. Fails, never skips, with the
 * command that installs what is missing.
 */
final class Browser {
    private static final Logger log = LoggerFactory.getLogger(Browser.class);
    static final Path SCRIPTS = Path.of("browser").toAbsolutePath().normalize();
    static final Path ARTIFACTS = Path.of("artifacts").toAbsolutePath().normalize();

    private Browser() {
    }

    static Path chromium() {
        Path path = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        if (!Files.isExecutable(path)) fail("chromium not found at " + path + ": install it with `apt-get install -y chromium` (or set CHROMIUM to its path)");
        return path;
    }

    /** Checks node, playwright-core and chromium are there. */
    static void check() {
        chromium();
        if (!Files.isDirectory(SCRIPTS.resolve("node_modules/playwright-core"))) {
            fail("playwright-core missing in " + SCRIPTS + ": run `npm ci --prefix tests/browser` (needs node and npm: `apt-get install -y nodejs npm`)");
        }
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) fail("`node --version` failed: install node with `apt-get install -y nodejs npm`");
        } catch (IOException | InterruptedException e) {
            fail("node not found (" + e.getMessage() + "): install it with `apt-get install -y nodejs npm`");
        }
    }

    /** Runs {@code script} with {@code --key=value} arguments; returns its JSON result (fails on a scenario error). */
    static JsonObject run(String script, long timeoutSeconds, String... args) throws Exception {
        check();
        Files.createDirectories(ARTIFACTS);
        List<String> command = new ArrayList<>(List.of("node", SCRIPTS.resolve(script).toString(), "--timeout=" + timeoutSeconds));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(SCRIPTS.toFile());
        pb.environment().put("CHROMIUM", chromium().toString());
        long start = System.nanoTime();
        Process process = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        if (!process.waitFor(timeoutSeconds + 30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(script + " did not finish in " + (timeoutSeconds + 30) + " s; stderr: " + err.getNow(""));
        }
        String stdout = out.get(10, TimeUnit.SECONDS).strip();
        String stderr = err.get(10, TimeUnit.SECONDS).strip();
        log.info("{} took {} ms", script, (System.nanoTime() - start) / 1_000_000);
        String last = stdout.isEmpty() ? "" : stdout.substring(stdout.lastIndexOf('\n') + 1);
        if (!last.startsWith("{")) fail(script + " printed no result (exit " + process.exitValue() + "); stdout: " + stdout + "; stderr: " + stderr);
        JsonObject result = new JsonObject(last);
        if (result.containsKey("error")) fail(script + " failed in the browser: " + result.getString("error") + "; problems: " + result.getValue("problems") + "; stderr: " + stderr);
        return result;
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
