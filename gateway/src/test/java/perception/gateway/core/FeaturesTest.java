package perception.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway finds its features by itself: the senses with their addresses, the client-side ones, the web page last. */
class FeaturesTest {
    @Test
    void findsEveryFeatureInOrderWithItsAddresses() {
        List<Feature> all = Features.all();
        assertEquals(List.of("speech", "vision", "llm", "realtime", "web"), all.stream().map(Feature::name).toList());
        Map<String, Set<String>> addresses = all.stream().collect(Collectors.toMap(Feature::name, Feature::addresses));
        assertEquals(Set.of("perception.transcribe", "perception.synthesize", "perception.transcribe.stream.open",
                "perception.transcribe.turns.open"), addresses.get("speech"));
        assertEquals(Set.of("perception.analyze"), addresses.get("vision"));
        assertEquals(Set.of("perception.generate"), addresses.get("llm"));
        assertEquals(Set.of(), addresses.get("realtime"));
        assertEquals(Set.of(), addresses.get("web"));
        assertEquals(List.of("speech", "vision", "llm"), Features.senses());
        for (Feature f : all) assertNotNull(f.routes(), f.name() + " mounts routes");
    }

    @Test
    void mapsAnAddressToTheSenseThatServesIt() {
        assertEquals("speech", Features.senseOf("perception.transcribe.turns.open"));
        assertEquals("vision", Features.senseOf("perception.analyze"));
        assertEquals("llm", Features.senseOf("perception.generate"));
        assertNull(Features.senseOf("perception.generate.cancel"), "a cancel is no request to route to a worker");
    }

    /** The packaged product is one jar: the scan reads its zip directory and finds the same features. */
    @Test
    void findsTheSameFeaturesInAJar(@TempDir Path dir) throws Exception {
        Path classes = Path.of(Features.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jar = dir.resolve("gateway.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes.resolve("perception"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                zip.putNextEntry(new ZipEntry(classes.relativize(p).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(p));
                zip.closeEntry();
            }
        }
        assertEquals(Features.all().stream().map(f -> f.getClass().getName()).toList(),
                Features.scan(jar).stream().map(f -> f.getClass().getName()).toList());
    }
}
