package perception.gateway.core;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The senses this gateway can reach, on this node or on the cluster's worker nodes, and the one way
 * requests to them are sent. Single node: a plain event-bus request, nothing else. Clustered:
 * <ul>
 * <li>nodes that serve senses announce them every {@link #ANNOUNCE_MS} on {@link #ANNOUNCE}; every
 * node keeps the list (an entry not heard of for {@link #EXPIRE_MS}, or whose node left the
 * Hazelcast cluster, goes), so workers that join or leave are picked up without restarts;</li>
 * <li>a sense serves its address and {@code ADDRESS@NODE}; a request goes to this node when it serves
 * the sense, else round-robin to the workers that announced it;</li>
 * <li>a request in flight on a node that leaves fails at once: an idempotent one is sent once more to
 * another worker, any other gets a 503 saying the worker was lost — never a hang.</li>
 * </ul>
 */
public final class Workers {
    private static final Logger log = LoggerFactory.getLogger(Workers.class);
    public static final String ANNOUNCE = "perception.workers";
    static final long ANNOUNCE_MS = 2_000;
    static final long EXPIRE_MS = 7_000;
    private static final Map<GatewayContext, Workers> BY_GATEWAY = Collections.synchronizedMap(new WeakHashMap<>());
    private static final Map<io.vertx.core.Vertx, Workers> BY_VERTX = Collections.synchronizedMap(new WeakHashMap<>());

    /** The sense that serves a request address ("speech", "vision", "llm": each {@link Feature} lists its own), or the address itself. */
    static String senseOf(String address) {
        String sense = Features.senseOf(address);
        return sense == null ? address : sense;
    }

    /** A node that serves senses, as last announced. */
    public record Worker(String node, Set<String> senses, JsonArray models, long seenAtMillis) {
    }

    private final GatewayContext context;
    private final ClusterSettings settings;
    private volatile String nodeId; // null when not clustered
    private final Set<String> localSenses = ConcurrentHashMap.newKeySet();
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    /** Per node: what to do if it leaves (fail the requests and streams in flight there). */
    private final Map<String, Set<Runnable>> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();

    private Workers(GatewayContext context) {
        this.context = context;
        this.settings = ClusterSettings.of(context.config());
    }

    /** The registry of this gateway (single node until {@link #joined} is called). */
    public static Workers of(GatewayContext context) {
        return BY_GATEWAY.computeIfAbsent(context, c -> {
            Workers w = new Workers(c);
            BY_VERTX.put(c.vertx(), w);
            return w;
        });
    }

    /** {@link #request} for code that holds only Vert.x: through this Vert.x's registry, or a plain request. */
    public static <T> Future<Message<T>> request(io.vertx.core.Vertx vertx, String address, Object body, DeliveryOptions options,
            boolean idempotent) {
        Workers w = BY_VERTX.get(vertx);
        return w == null ? vertx.eventBus().request(address, body, options) : w.request(address, body, options, idempotent);
    }

    /** {@link #watch} for code that holds only Vert.x. */
    public static Runnable watch(io.vertx.core.Vertx vertx, String node, Runnable onLeft) {
        Workers w = BY_VERTX.get(vertx);
        return w == null ? () -> { } : w.watch(node, onLeft);
    }

    /** Clustered: this node's id; starts listening to announcements and announcing this node's senses. */
    public void joined(String nodeId) {
        this.nodeId = nodeId;
        var vertx = context.vertx();
        vertx.eventBus().<JsonObject>consumer(ANNOUNCE, m -> heard(m.body()));
        vertx.setPeriodic(ANNOUNCE_MS, id -> {
            announce();
            long now = System.currentTimeMillis();
            workers.values().removeIf(w -> now - w.seenAtMillis() > EXPIRE_MS && !w.node().equals(nodeId));
        });
        Gauge.builder("perception.cluster.workers", workers, Map::size).description("worker nodes this node sees").register(context.meters());
    }

    /** Called by the cluster manager's membership listener (any thread): the node has gone. */
    public void left(String node) {
        context.vertx().runOnContext(v -> {
            Worker gone = workers.remove(node);
            Set<Runnable> calls = inFlight.remove(node);
            if (gone != null || calls != null) {
                log.warn("worker node {} left the cluster ({} requests or streams in flight there)", node, calls == null ? 0 : calls.size());
            }
            if (calls != null) calls.forEach(Runnable::run);
        });
    }

    public boolean clustered() {
        return nodeId != null;
    }

    public String nodeId() {
        return nodeId;
    }

    /**
     * Serves a sense address (on this node; when clustered also as {@code ADDRESS@NODE}, so a
     * gateway can pick this node). Call from the verticle's start so undeploying unregisters both.
     */
    public <T> MessageConsumer<T> serve(String address, Handler<Message<T>> handler) {
        String sense = Features.senseOf(address);
        if (sense != null && localSenses.add(sense)) announce();
        if (clustered()) context.vertx().eventBus().<T>consumer(address + "@" + nodeId, handler);
        return context.vertx().eventBus().consumer(address, handler);
    }

    /**
     * Sends a request to a sense. {@code idempotent}: it may run twice without harm (an analysis, a
     * transcription, opening a session), so it is retried once on another worker when its worker
     * leaves or no longer serves the address.
     */
    public <T> Future<Message<T>> request(String address, Object body, DeliveryOptions options, boolean idempotent) {
        if (!clustered()) return context.vertx().eventBus().request(address, body, options);
        return attempt(address, body, options, idempotent ? 2 : 1, new ArrayList<>());
    }

    private <T> Future<Message<T>> attempt(String address, Object body, DeliveryOptions options, int tries, List<String> tried) {
        String sense = Features.senseOf(address);
        String node = sense == null ? null : pick(sense, tried);
        if (node == null) {
            if (!tried.isEmpty()) return Future.failedFuture(lost(sense, tried, false));
            // not announced (yet): the plain address, where Vert.x answers NO_HANDLERS if nobody serves it
            return context.vertx().eventBus().request(address, body, options);
        }
        boolean local = node.equals(nodeId);
        count(sense, local ? "local" : "remote");
        Promise<Message<T>> result = Promise.promise();
        Runnable onLeft = () -> result.tryFail(lost(sense, List.of(node), tries > 1));
        Runnable unwatch = watch(node, onLeft);
        DeliveryOptions to = new DeliveryOptions(options).setLocalOnly(local);
        context.vertx().eventBus().<T>request(address + "@" + node, body, to).onComplete(ar -> {
            if (ar.succeeded()) result.tryComplete(ar.result());
            else result.tryFail(ar.cause());
        });
        return result.future().andThen(ar -> unwatch.run()).recover(e -> {
            boolean retry = tries > 1 && (isLost(e) || e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS);
            if (!retry) return Future.failedFuture(e);
            List<String> again = new ArrayList<>(tried);
            again.add(node);
            log.info("retrying a {} request on another worker: {}", sense, e.getMessage());
            count(sense, "retried");
            return attempt(address, body, options, tries - 1, again);
        });
    }

    /** Runs {@code onLeft} if the node leaves; returns what stops watching. */
    public Runnable watch(String node, Runnable onLeft) {
        if (node == null || !clustered()) return () -> { };
        Set<Runnable> set = inFlight.computeIfAbsent(node, n -> ConcurrentHashMap.newKeySet());
        set.add(onLeft);
        return () -> set.remove(onLeft);
    }

    /** This node when it serves the sense, else the next remote worker that does (skipping {@code tried}); null if none. */
    String pick(String sense, List<String> tried) {
        if (localSenses.contains(sense) && !tried.contains(nodeId)) return nodeId;
        List<String> candidates = workers.values().stream().filter(w -> w.senses().contains(sense) && !tried.contains(w.node())
                && !w.node().equals(nodeId)).map(Worker::node).sorted().toList();
        if (candidates.isEmpty()) return null;
        return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
    }

    /** The failure of a request whose worker left: an ApiError as BusErrors sends one, so callers map it by its code. */
    private static ReplyException lost(String sense, List<String> nodes, boolean retrying) {
        ApiError error = ApiError.unavailable(WORKER_LOST, "the " + sense + " worker serving this request (" + String.join(", ", nodes)
                + ") left the cluster" + (retrying ? "" : " and no other worker could take it; retry in a moment"));
        return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 503, error.toJson().encode());
    }

    private static final String WORKER_LOST = "worker_lost";

    static boolean isLost(Throwable e) {
        return e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE && r.failureCode() == 503
                && String.valueOf(r.getMessage()).contains("\"code\":\"" + WORKER_LOST + "\"");
    }

    private void count(String sense, String target) {
        context.meters().counter("perception.cluster.requests", "sense", sense, "target", target).increment();
    }

    private void announce() {
        if (!clustered() || localSenses.isEmpty()) return;
        JsonObject me = new JsonObject().put("node", nodeId).put("role", settings.role())
                .put("senses", new JsonArray(List.copyOf(localSenses))).put("models", context.models().toJson());
        context.vertx().eventBus().publish(ANNOUNCE, me);
    }

    private void heard(JsonObject a) {
        String node = a.getString("node");
        if (node == null) return;
        Set<String> senses = Set.copyOf(a.getJsonArray("senses", new JsonArray()).stream().map(String::valueOf).toList());
        Worker before = workers.put(node, new Worker(node, senses, a.getJsonArray("models", new JsonArray()), System.currentTimeMillis()));
        if (before == null && !node.equals(nodeId)) log.info("worker node {} joined, serving {}", node, senses);
    }

    /** For /ready: this node, its role, and the workers (with their senses) it sees. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject().put("enabled", clustered()).put("role", settings.role());
        if (!clustered()) return o;
        JsonArray list = new JsonArray();
        long now = System.currentTimeMillis();
        workers.values().stream().sorted(java.util.Comparator.comparing(Worker::node)).forEach(w -> list.add(new JsonObject()
                .put("node", w.node()).put("self", w.node().equals(nodeId)).put("senses", new JsonArray(w.senses().stream().sorted().toList()))
                .put("models", w.models()).put("seen_ms_ago", now - w.seenAtMillis())));
        Set<String> senses = new java.util.TreeSet<>(localSenses);
        workers.values().forEach(w -> senses.addAll(w.senses()));
        return o.put("node", nodeId).put("senses", new JsonArray(List.copyOf(senses))).put("workers", list);
    }
}
