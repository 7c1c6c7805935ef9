package perception.tests.foundation;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import perception.tests.TestGateway;

/**
 * The packaged product as a user starts it: {@code java [jvm options] -jar perception-gateway.jar
 * --port P --models-dir ... [settings]} in its own process, with its own (empty) JavaCPP cache so
 * the natives it loads are extracted from this jar and can be listed. Waits for /ready 200.
 */
public final class PackagedGateway implements AutoCloseable {
    /** The repository root, whether run from tests/ (surefire) or from the root (exec:java). */
    public static final Path ROOT = Files.isDirectory(Path.of("gateway")) ? Path.of("") : Path.of("..");
    /** The jar under test; {@code -Dpackaged.jar=...} measures another build (e.g. the one on main). */
    public static final Path JAR = Path.of(System.getProperty("packaged.jar", ROOT.resolve("gateway/target/perception-gateway.jar").toString()));

    /** The java that runs it: this JVM's unless {@code -Dpackaged.java=...} (e.g. the jlink runtime the Docker image ships). */
    public static final Path JAVA = Path.of(System.getProperty("packaged.java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    /** Extra JVM options for every start, space-separated ({@code -Dpackaged.jvm.options=...}). */
    static final List<String> EXTRA_OPTIONS = List.of(System.getProperty("packaged.jvm.options", "").trim().split("\\s+")).stream()
            .filter(o -> !o.isEmpty()).toList();

    public final Process process;
    public final int port;
    public final Path home;
    public final List<String> log;
    public final double readySeconds;

    private PackagedGateway(Process process, int port, Path home, List<String> log, double readySeconds) {
        this.process = process;
        this.port = port;
        this.home = home;
        this.log = log;
        this.readySeconds = readySeconds;
    }

    public static Path jar() {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException("missing " + JAR.toAbsolutePath()
                    + ": build it with mvn -B -Dmodels.skip=true -pl gateway -am package -DskipTests");
        }
        return JAR;
    }

    /** Starts the jar with the JVM options, environment additions and gateway settings; waits up to 120 s for /ready. */
    public static PackagedGateway start(List<String> jvmOptions, Map<String, String> env, String... settings) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path home = Files.createTempDirectory("packaged-gateway");
        Files.createDirectories(home.resolve("tmp"));
        List<String> cmd = new ArrayList<>(List.of(JAVA.toString(),
                // fresh caches: every native is extracted from this jar, none reused from an earlier run
                "-Dorg.bytedeco.javacpp.cachedir=" + home.resolve("javacpp"), "-Djava.io.tmpdir=" + home.resolve("tmp"),
                "-Djna.tmpdir=" + home.resolve("tmp"), "-DDJL_CACHE_DIR=" + home.resolve("djl")));
        cmd.addAll(EXTRA_OPTIONS);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar().toString(), "--port", String.valueOf(port), "--models-dir", TestGateway.modelsDir().toString()));
        cmd.addAll(List.of(settings));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        List<String> log = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(p.getInputStream())).lines().forEach(log::add));
        reader.setDaemon(true);
        reader.start();
        HttpClient http = HttpClient.newHttpClient();
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(120) && p.isAlive()) {
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return new PackagedGateway(p, port, home, log, (System.nanoTime() - t0) / 1e9);
            } catch (IOException notYetListening) {
                // keep polling
            }
            Thread.sleep(250);
        }
        p.toHandle().destroyForcibly();
        throw new AssertionError("the packaged gateway was not ready within 120 s; log:\n" + String.join("\n", log));
    }

    /** Everything the process printed so far. */
    public String output() {
        return String.join("\n", log);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Resident memory of the process in kB, from /proc (Linux). */
    public long rssKb() throws IOException {
        return statusKb("VmRSS");
    }

    public long statusKb(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException(field + " not in /proc/" + process.pid() + "/status");
    }

    /** Shared libraries mapped into the process (paths), from /proc/PID/maps. */
    public List<String> mappedLibraries() throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "maps")).stream()
                .map(l -> l.split("\\s+", 6)).filter(f -> f.length == 6 && f[5].startsWith("/"))
                .map(f -> f[5]).filter(f -> f.contains(".so") || f.contains(".tmp") || f.contains("jna"))
                .distinct().sorted().toList();
    }

    /** The body of a 200 answer; otherwise fails with the status, body and the gateway's log (where a missing library shows). */
    public JsonObject json(HttpResponse<String> r) {
        if (r.statusCode() != 200) throw new AssertionError(r.statusCode() + " " + r.body() + "\ngateway log:\n" + output());
        return new JsonObject(r.body());
    }

    /** SIGTERM, as docker stop and Ctrl-C do; waits for the exit. */
    @Override
    public void close() throws Exception {
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.toHandle().destroyForcibly();
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
