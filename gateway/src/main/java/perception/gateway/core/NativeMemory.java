package perception.gateway.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands freed native memory back to the operating system. OpenCV, FFmpeg and ONNX Runtime allocate
 * with malloc; glibc keeps what they free in its arenas (and raises its mmap threshold after large
 * frees, so later large buffers come from the arenas too), so the process kept its peak RSS after a
 * burst for good (issue #29: 5 GB with no traffic). {@code malloc_trim(0)} releases the free pages of
 * every arena. glibc only (through JNA, which Vosk brings); elsewhere it does nothing.
 */
public final class NativeMemory {
    private static final Logger log = LoggerFactory.getLogger(NativeMemory.class);

    /** The one libc function used. */
    public interface LibC extends com.sun.jna.Library {
        int malloc_trim(long pad);
    }

    private static volatile LibC libc = load();

    private NativeMemory() {
    }

    private static LibC load() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) return null;
        try {
            return com.sun.jna.Native.load("c", LibC.class);
        } catch (Throwable e) { // no JNA natives, or no libc by that name: nothing to trim with
            log.debug("malloc_trim unavailable: {}", e.toString());
            return null;
        }
    }

    /** Releases the free memory of every malloc arena; true when some was given back. Blocking (milliseconds). */
    public static boolean trim() {
        LibC c = libc;
        if (c == null) return false;
        try {
            return c.malloc_trim(0) == 1;
        } catch (Throwable e) { // musl and others have no malloc_trim
            log.debug("malloc_trim failed, not trying again: {}", e.toString());
            libc = null;
            return false;
        }
    }

    /** Trims every {@code seconds} on a worker thread (0: never). */
    public static void schedule(io.vertx.core.Vertx vertx, long seconds) {
        if (seconds <= 0 || libc == null) return;
        vertx.setPeriodic(seconds * 1000, id -> vertx.executeBlocking(() -> trim(), false));
    }
}
