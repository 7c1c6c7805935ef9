package perception.gateway.core;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the gateway has loaded, for /ready and /v1/models. Each sense verticle announces the models
 * it will load ({@link #expect}) before loading them, then reports each one loaded or failed.
 * Ready means every expected model is loaded.
 */
public final class ModelRegistry {

    /** Where a model is; /ready shows the lower-case name. */
    public enum State {
        LOADING, LOADED, FAILED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Entry(String id, String task, State state, long loadMillis, String detail, long createdAt) {
        JsonObject toJson() {
            JsonObject o = new JsonObject().put("id", id).put("task", task).put("state", state.wireName());
            if (state == State.LOADED) o.put("load_ms", loadMillis);
            if (detail != null) o.put(state == State.LOADED ? "source" : "error", detail);
            return o;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public synchronized void expect(String id, String task) {
        entries.put(id, new Entry(id, task, State.LOADING, 0, null, 0));
    }

    public synchronized void loaded(String id, String task, long loadMillis, String source) {
        entries.put(id, new Entry(id, task, State.LOADED, loadMillis, source, System.currentTimeMillis() / 1000));
    }

    public synchronized void failed(String id, String task, String message) {
        entries.put(id, new Entry(id, task, State.FAILED, 0, message, 0));
    }

    /** Removes a model that is no longer served (its verticle stopped). */
    public synchronized void remove(String id) {
        entries.remove(id);
    }

    public synchronized boolean ready() {
        return entries.values().stream().allMatch(e -> e.state() == State.LOADED);
    }

    public synchronized boolean isLoaded(String id) {
        Entry e = entries.get(id);
        return e != null && e.state() == State.LOADED;
    }

    public synchronized java.util.List<Entry> entries() {
        return java.util.List.copyOf(entries.values());
    }

    public synchronized JsonArray toJson() {
        JsonArray a = new JsonArray();
        entries.values().forEach(e -> a.add(e.toJson()));
        return a;
    }
}
