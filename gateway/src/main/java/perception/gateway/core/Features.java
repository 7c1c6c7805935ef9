package perception.gateway.core;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Every {@link Feature} of the gateway, found once by scanning the gateway's own code source (the
 * target/classes folder, or only the zip directory of the packaged jar) for
 * {@code perception/gateway/<package>/<Name>Feature.class}. A scan rather than a list or a
 * META-INF/services file, so that adding a feature is adding its package: nothing to register or forget.
 */
public final class Features {
    private static final Pattern CLASS = Pattern.compile("perception/gateway/[a-z0-9_]+/[A-Z][A-Za-z0-9_]*Feature\\.class");
    private static List<Feature> all; // guarded by Features.class

    private Features() {
    }

    /** Every feature, by {@link Feature#order()} then name. */
    public static synchronized List<Feature> all() {
        if (all == null) {
            try {
                all = scan(Path.of(Features.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
            } catch (URISyntaxException e) {
                throw new IllegalStateException("the gateway's code source is no file: " + e.getMessage(), e);
            }
        }
        return all;
    }

    /** The senses (the features whose verticle serves addresses), in order: the names the {@code senses} setting takes. */
    public static List<String> senses() {
        return all().stream().filter(f -> !f.addresses().isEmpty()).map(Feature::name).toList();
    }

    /** The sense whose verticle serves a request address; null for any other address. */
    public static String senseOf(String address) {
        for (Feature f : all()) if (f.addresses().contains(address)) return f.name();
        return null;
    }

    /** The features in a classes folder or a jar (package-private for the test of the jar case). */
    static List<Feature> scan(Path source) {
        try {
            List<String> names;
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.walk(source.resolve("perception/gateway"), 2)) {
                    names = files.map(p -> source.relativize(p).toString().replace(File.separatorChar, '/')).toList();
                }
            } else {
                try (ZipFile jar = new ZipFile(source.toFile())) {
                    names = jar.stream().map(ZipEntry::getName).toList();
                }
            }
            Map<String, Feature> byName = new HashMap<>();
            for (String n : names) {
                if (!CLASS.matcher(n).matches()) continue;
                Class<?> c = Class.forName(n.substring(0, n.length() - ".class".length()).replace('/', '.'), false, Features.class.getClassLoader());
                if (!Feature.class.isAssignableFrom(c) || c.isInterface() || Modifier.isAbstract(c.getModifiers())) continue;
                Feature f = (Feature) c.getConstructor().newInstance();
                Feature other = byName.putIfAbsent(f.name(), f);
                if (other != null) {
                    throw new IllegalStateException("two features are named '" + f.name() + "': " + other.getClass().getName() + " and " + c.getName());
                }
            }
            return byName.values().stream().sorted(Comparator.comparingInt(Feature::order).thenComparing(Feature::name)).toList();
        } catch (ReflectiveOperationException | IOException e) {
            throw new IllegalStateException("listing the gateway's features in " + source + " failed (a FooFeature must be a public class"
                    + " with a public no-argument constructor): " + e, e);
        }
    }
}
