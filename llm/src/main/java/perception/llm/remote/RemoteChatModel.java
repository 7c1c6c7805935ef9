package perception.llm.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.llm.Cancellation;
import perception.llm.ChatMessage;
import perception.llm.ChatModel;
import perception.llm.ChatRequest;
import perception.llm.ChatResult;
import perception.llm.ChatResult.FinishReason;
import perception.llm.ContentPart;
import perception.llm.LlmException;
import perception.llm.TokenListener;
import perception.llm.ToolCall;
import perception.llm.ToolChoice;
import perception.llm.ToolSpec;

/**
 * Any OpenAI-compatible server (vLLM, Ollama, llama.cpp, LocalAI, OpenAI) over java.net.http,
 * always streaming: connect, first-token and idle timeouts are enforced while reading; 429 and
 * 5xx answers (and refused connections) are retried with backoff, honouring Retry-After, as long
 * as nothing was streamed yet. Failures become {@link LlmException}s: 502 upstream failed,
 * 503 upstream unavailable, 504 timed out, 400 when the upstream rejected the request itself.
 */
public final class RemoteChatModel implements ChatModel {
    private static final Logger log = LoggerFactory.getLogger(RemoteChatModel.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Object END = new Object();

    private final RemoteConfig config;
    private final HttpClient http;

    public RemoteChatModel(RemoteConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public String id() {
        return config.model() != null ? config.model() : "remote";
    }

    @Override
    public boolean acceptsImages() {
        return config.vision();
    }

    @Override
    public int contextLength() {
        return 0;
    }

    /** Remote tokenizers are unknown: about four characters per token. */
    @Override
    public int countTokens(String text) {
        return (text.length() + 3) / 4;
    }

    /** A failure worth another try (nothing was streamed yet). */
    private static final class Retry extends Exception {
        final LlmException failure;
        final Duration retryAfter;

        Retry(LlmException failure, Duration retryAfter) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
            this.retryAfter = retryAfter;
        }
    }

    @Override
    public ChatResult chat(ChatRequest request, TokenListener listener, Cancellation cancellation) {
        byte[] body = requestBody(request);
        long t0 = System.nanoTime();
        LlmException last = null;
        for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
            try {
                return attempt(body, listener, cancellation, t0);
            } catch (Retry r) {
                last = r.failure;
                if (attempt == config.maxRetries()) break;
                Duration wait = r.retryAfter != null ? r.retryAfter : Duration.ofMillis(250L << attempt);
                if (wait.compareTo(config.maxRetryWait()) > 0) {
                    throw new LlmException(503, "upstream_unavailable", "the LLM server asks to retry after " + wait.toSeconds()
                            + " s, longer than this gateway waits: try again later", r.failure);
                }
                log.info("LLM server: {} — retry {} in {} ms", r.getMessage(), attempt + 1, wait.toMillis());
                if (!sleep(wait, cancellation)) return new ChatResult("", FinishReason.CANCELLED, 0, 0, 0, millis(t0));
            }
        }
        throw last;
    }

    private ChatResult attempt(byte[] body, TokenListener listener, Cancellation cancellation, long t0) throws Retry {
        HttpRequest.Builder rb = HttpRequest.newBuilder(config.baseUrl().resolve(config.baseUrl().getPath() + "/chat/completions"))
                .timeout(config.firstTokenTimeout())
                .header("content-type", "application/json").header("accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (config.apiKey() != null) rb.header("authorization", "Bearer " + config.apiKey());
        Stream stream = new Stream();
        CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> future = http.sendAsync(rb.build(), HttpResponse.BodyHandlers.ofPublisher());
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
        try {
            response = await(future, cancellation, t0);
        } catch (CancelledWhileWaiting c) {
            future.cancel(true);
            stream.cancel();
            return new ChatResult("", FinishReason.CANCELLED, 0, 0, 0, millis(t0));
        }
        if (response == null) return new ChatResult("", FinishReason.CANCELLED, 0, 0, 0, millis(t0));
        response.body().subscribe(stream);
        int status = response.statusCode();
        if (status != 200) {
            String text = stream.readAll(Duration.ofSeconds(5));
            String message = upstreamMessage(text);
            LlmException e = mapStatus(status, message);
            if (status == 429 || status >= 500) throw new Retry(e, retryAfter(response));
            throw e;
        }
        boolean sse = response.headers().firstValue("content-type").orElse("").contains("event-stream");
        return sse ? readEvents(stream, listener, cancellation, t0) : readJson(stream, listener, t0);
    }

    private static final class CancelledWhileWaiting extends Exception {
        CancelledWhileWaiting() {
            super(null, null, false, false);
        }
    }

    private <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> future, Cancellation cancellation, long t0)
            throws Retry, CancelledWhileWaiting {
        while (true) {
            if (cancellation.isCancelled()) throw new CancelledWhileWaiting();
            try {
                return future.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (millis(t0) > config.firstTokenTimeout().toMillis() + 1000) {
                    future.cancel(true);
                    throw new LlmException(504, "upstream_timeout", "the LLM server at " + config.baseUrl() + " did not answer within "
                            + config.firstTokenTimeout().toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledWhileWaiting();
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof HttpConnectTimeoutException) {
                    throw new Retry(new LlmException(504, "upstream_timeout", "connecting to the LLM server at " + config.baseUrl()
                            + " timed out: check llm_url and that the server is up"), null);
                }
                if (c instanceof HttpTimeoutException) {
                    throw new LlmException(504, "upstream_timeout", "the LLM server at " + config.baseUrl() + " did not answer within "
                            + config.firstTokenTimeout().toSeconds() + " s");
                }
                if (c instanceof ConnectException || c instanceof IOException) {
                    throw new Retry(new LlmException(502, "upstream_unreachable", "cannot reach the LLM server at " + config.baseUrl()
                            + " (" + c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage())
                            + "): check llm_url and that the server is running"), null);
                }
                throw new LlmException(502, "upstream_error", "calling the LLM server failed: " + c);
            }
        }
    }

    private ChatResult readEvents(Stream stream, TokenListener listener, Cancellation cancellation, long t0) {
        SseReader sse = new SseReader();
        StreamedCalls calls = new StreamedCalls(listener);
        StringBuilder text = new StringBuilder();
        String finish = null;
        int promptTokens = 0, completionTokens = 0, pieces = 0;
        double first = 0;
        long lastData = System.nanoTime();
        while (true) {
            if (cancellation.isCancelled()) {
                stream.cancel();
                return new ChatResult(text.toString(), FinishReason.CANCELLED, promptTokens, pieces, first, millis(t0));
            }
            Duration limit = pieces == 0 ? config.firstTokenTimeout() : config.idleTimeout();
            long waited = (System.nanoTime() - (pieces == 0 ? t0 : lastData)) / 1_000_000;
            if (waited > limit.toMillis()) {
                stream.cancel();
                throw new LlmException(504, "upstream_timeout", "the LLM server sent nothing for " + limit.toSeconds() + " s "
                        + (pieces == 0 ? "before the first token" : "in the middle of the answer"));
            }
            Object item = stream.poll(100);
            if (item == null) continue;
            if (item == END) break;
            if (item instanceof Throwable t) {
                throw new LlmException(502, "upstream_error", "the LLM server's stream broke: " + t.getMessage());
            }
            lastData = System.nanoTime();
            for (String event : sse.feed((ByteBuffer) item)) {
                if (cancellation.isCancelled()) { // several events may arrive in one read: stop between any two
                    stream.cancel();
                    return new ChatResult(text.toString(), FinishReason.CANCELLED, promptTokens, pieces, first, millis(t0));
                }
                if (event.trim().equals("[DONE]")) {
                    stream.cancel();
                    return result(text, finish, promptTokens, completionTokens > 0 ? completionTokens : pieces, first, t0, calls.calls());
                }
                JsonNode chunk;
                try {
                    chunk = JSON.readTree(event);
                } catch (IOException e) {
                    stream.cancel();
                    throw new LlmException(502, "upstream_bad_stream", "the LLM server sent an event that is not JSON: " + abbreviate(event));
                }
                if (chunk.has("error")) {
                    stream.cancel();
                    throw new LlmException(502, "upstream_error", "the LLM server failed mid-answer: " + upstreamMessage(chunk.toString()));
                }
                JsonNode usage = chunk.get("usage");
                if (usage != null && usage.isObject()) {
                    promptTokens = usage.path("prompt_tokens").asInt(promptTokens);
                    completionTokens = usage.path("completion_tokens").asInt(completionTokens);
                }
                JsonNode choice = chunk.path("choices").path(0);
                String content = choice.path("delta").path("content").asText("");
                if (!content.isEmpty()) {
                    if (pieces == 0) first = millis(t0);
                    pieces++;
                    text.append(content);
                    listener.onText(content);
                }
                JsonNode toolCalls = choice.path("delta").path("tool_calls");
                if (toolCalls.isArray() && !toolCalls.isEmpty()) {
                    if (pieces == 0) first = millis(t0);
                    pieces++;
                    calls.add(toolCalls);
                }
                if (choice.hasNonNull("finish_reason")) finish = choice.get("finish_reason").asText();
            }
        }
        if (finish == null) throw new LlmException(502, "upstream_bad_stream", "the LLM server's stream ended before the answer was complete");
        return result(text, finish, promptTokens, completionTokens > 0 ? completionTokens : pieces, first, t0, calls.calls());
    }

    private ChatResult readJson(Stream stream, TokenListener listener, long t0) {
        String body = stream.readAll(config.idleTimeout());
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode choice = root.path("choices").path(0);
            String content = choice.path("message").path("content").asText("");
            if (!content.isEmpty()) listener.onText(content);
            StreamedCalls calls = new StreamedCalls(listener);
            JsonNode toolCalls = choice.path("message").path("tool_calls");
            if (toolCalls.isArray()) {
                // a plain answer's calls have no index: number them in order, as a stream would
                ArrayNode indexed = JSON.createArrayNode();
                for (int i = 0; i < toolCalls.size(); i++) {
                    JsonNode c = toolCalls.get(i).deepCopy();
                    if (c instanceof ObjectNode o) o.put("index", i);
                    indexed.add(c);
                }
                calls.add(indexed);
            }
            JsonNode usage = root.path("usage");
            return result(new StringBuilder(content), choice.path("finish_reason").asText("stop"), usage.path("prompt_tokens").asInt(0),
                    usage.path("completion_tokens").asInt(0), millis(t0), t0, calls.calls());
        } catch (IOException e) {
            throw new LlmException(502, "upstream_bad_response", "the LLM server's answer is not JSON: " + abbreviate(body));
        }
    }

    private static ChatResult result(StringBuilder text, String finish, int prompt, int completion, double first, long t0, List<ToolCall> calls) {
        FinishReason reason = "length".equals(finish) ? FinishReason.LENGTH
                : "cancelled".equals(finish) ? FinishReason.CANCELLED
                : "tool_calls".equals(finish) || "function_call".equals(finish) || !calls.isEmpty() ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        if (reason == FinishReason.TOOL_CALLS && calls.isEmpty()) {
            throw new LlmException(502, "upstream_bad_response", "the LLM server finished with tool_calls but sent no tool call");
        }
        return new ChatResult(text.toString(), reason, prompt, completion, first, millis(t0), calls);
    }

    /**
     * Tool calls assembled from OpenAI's {@code tool_calls} pieces: the first piece of a call at an
     * index has its id and name, later ones more argument text. Each piece goes on to the listener.
     */
    private static final class StreamedCalls {
        private final TokenListener listener;
        private final java.util.TreeMap<Integer, String[]> calls = new java.util.TreeMap<>(); // index → id, name, arguments

        StreamedCalls(TokenListener listener) {
            this.listener = listener;
        }

        void add(JsonNode pieces) {
            for (JsonNode p : pieces) {
                int index = p.path("index").asInt(calls.isEmpty() ? 0 : calls.lastKey());
                String id = p.hasNonNull("id") ? p.get("id").asText() : null;
                JsonNode f = p.path("function");
                String name = f.hasNonNull("name") ? f.get("name").asText() : null;
                JsonNode a = f.path("arguments");
                String args = a.isTextual() ? a.asText() : a.isMissingNode() || a.isNull() ? "" : a.toString();
                String[] call = calls.computeIfAbsent(index, i -> new String[] {null, null, ""});
                if (id != null && call[0] == null) call[0] = id;
                if (name != null && call[1] == null) call[1] = name;
                call[2] += args;
                listener.onToolCall(new ToolCall.Delta(index, id, name, args));
            }
        }

        List<ToolCall> calls() {
            List<ToolCall> out = new java.util.ArrayList<>();
            for (String[] c : calls.values()) {
                if (c[1] == null || c[1].isBlank()) throw new LlmException(502, "upstream_bad_response", "the LLM server sent a tool call without a function name");
                out.add(new ToolCall(c[0] != null ? c[0] : ToolCall.newId(), c[1], c[2].isEmpty() ? "{}" : c[2]));
            }
            return out;
        }
    }

    private LlmException mapStatus(int status, String message) {
        String where = "the LLM server at " + config.baseUrl();
        return switch (status) {
            case 400, 413, 422 -> new LlmException(400, "upstream_rejected", where + " rejected the request: " + message);
            case 401, 403 -> new LlmException(502, "upstream_auth", where + " refused the credentials (" + status + "): check llm_api_key");
            case 404 -> new LlmException(502, "upstream_not_found", where + " has no such endpoint or model (" + message
                    + "): check llm_url (it should end in /v1) and llm_model");
            case 429 -> new LlmException(503, "upstream_busy", where + " is rate-limiting (429): " + message);
            case 503 -> new LlmException(503, "upstream_unavailable", where + " is unavailable (503): " + message);
            case 504 -> new LlmException(504, "upstream_timeout", where + " timed out (504): " + message);
            default -> new LlmException(502, "upstream_error", where + " failed with " + status + ": " + message);
        };
    }

    /** Retry-After in seconds or as an HTTP date. */
    static Duration retryAfter(HttpResponse<?> response) {
        String v = response.headers().firstValue("retry-after").orElse(null);
        if (v == null) return null;
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim())));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException e2) {
                return null;
            }
        }
    }

    private static String upstreamMessage(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            JsonNode err = n.get("error");
            if (err != null && err.isObject() && err.has("message")) return err.get("message").asText();
            if (err != null && err.isTextual()) return err.asText();
            if (n.has("message")) return n.get("message").asText();
        } catch (IOException | RuntimeException ignored) {
            // not JSON: quote the text
        }
        return abbreviate(body);
    }

    private static String abbreviate(String s) {
        s = s == null ? "" : s.strip();
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    private static boolean sleep(Duration d, Cancellation cancellation) {
        long end = System.nanoTime() + d.toNanos();
        try {
            while (System.nanoTime() < end) {
                if (cancellation.isCancelled()) return false;
                Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static double millis(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    /** The OpenAI request: always streaming, with usage; images as data URLs when the server has vision. */
    byte[] requestBody(ChatRequest request) {
        ObjectNode root = JSON.createObjectNode();
        if (config.model() != null) root.put("model", config.model());
        ArrayNode messages = root.putArray("messages");
        for (ChatMessage m : request.messages()) {
            ObjectNode msg = messages.addObject().put("role", m.role().wireName());
            if (m.toolCallId() != null) msg.put("tool_call_id", m.toolCallId());
            if (!m.toolCalls().isEmpty()) {
                if (m.text().isEmpty()) msg.putNull("content");
                else msg.put("content", m.text());
                ArrayNode calls = msg.putArray("tool_calls");
                for (ToolCall c : m.toolCalls()) {
                    calls.addObject().put("id", c.id()).put("type", "function").putObject("function")
                            .put("name", c.name()).put("arguments", c.arguments());
                }
                continue;
            }
            if (!m.hasImages()) {
                msg.put("content", m.text());
                continue;
            }
            if (!config.vision()) throw new IllegalArgumentException("the remote model does not take images; describe them in text first");
            ArrayNode parts = msg.putArray("content");
            for (ContentPart p : m.parts()) {
                if (p instanceof ContentPart.Text t) parts.addObject().put("type", "text").put("text", t.text());
                else if (p instanceof ContentPart.Image img) parts.addObject().put("type", "image_url").putObject("image_url").put("url", img.dataUrl());
            }
        }
        var s = request.sampling();
        root.put("temperature", s.temperature());
        if (s.topP() < 1) root.put("top_p", s.topP());
        if (s.topK() > 0) root.put("top_k", s.topK());
        if (s.repetitionPenalty() != 1) root.put("repetition_penalty", s.repetitionPenalty());
        if (s.seed() != null) root.put("seed", s.seed());
        if (request.maxTokens() != null) root.put("max_tokens", request.maxTokens());
        if (!request.stop().isEmpty()) {
            ArrayNode stop = root.putArray("stop");
            request.stop().forEach(stop::add);
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = root.putArray("tools");
            for (ToolSpec t : request.tools()) {
                ObjectNode f = tools.addObject().put("type", "function").putObject("function").put("name", t.name());
                if (!t.description().isEmpty()) f.put("description", t.description());
                f.set("parameters", t.parameters());
            }
            ToolChoice choice = request.toolChoice();
            if (choice.mode() == ToolChoice.Mode.FUNCTION) {
                root.putObject("tool_choice").put("type", "function").putObject("function").put("name", choice.function());
            } else {
                root.put("tool_choice", choice.wireName());
            }
        }
        // the remote server enforces the answer's shape itself, as OpenAI's does
        switch (request.responseFormat().kind()) {
            case JSON_OBJECT -> root.putObject("response_format").put("type", "json_object");
            case JSON_SCHEMA -> {
                ObjectNode schema = root.putObject("response_format").put("type", "json_schema").putObject("json_schema");
                schema.put("name", request.responseFormat().name() == null ? "answer" : request.responseFormat().name());
                schema.set("schema", request.responseFormat().schema());
            }
            case TEXT -> { }
        }
        root.put("stream", true);
        root.putObject("stream_options").put("include_usage", true);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Body bytes handed from the HTTP client's thread to the reading thread, with back-pressure of one item. */
    private static final class Stream implements Flow.Subscriber<List<ByteBuffer>> {
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (cancelled) s.cancel();
            else s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            int size = item.stream().mapToInt(ByteBuffer::remaining).sum();
            ByteBuffer joined = ByteBuffer.allocate(size);
            item.forEach(joined::put);
            joined.flip();
            queue.add(joined);
        }

        @Override
        public void onError(Throwable t) {
            queue.add(t);
        }

        @Override
        public void onComplete() {
            queue.add(END);
        }

        Object poll(long millis) {
            try {
                Object o = queue.poll(millis, TimeUnit.MILLISECONDS);
                if (o instanceof ByteBuffer && subscription != null) subscription.request(1);
                return o;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return END;
            }
        }

        String readAll(Duration timeout) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end && out.size() < (1 << 20)) {
                Object o = poll(100);
                if (o == null) continue;
                if (o == END || o instanceof Throwable) break;
                ByteBuffer b = (ByteBuffer) o;
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                out.writeBytes(bytes);
            }
            cancel();
            return out.toString(StandardCharsets.UTF_8);
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) s.cancel();
        }
    }

    @Override
    public void close() {
        // HttpClient has no close() before Java 21; its threads end when it is collected
    }
}
