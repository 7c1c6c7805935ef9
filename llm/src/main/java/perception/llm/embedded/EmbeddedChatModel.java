package perception.llm.embedded;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * A Hugging Face ONNX export run in-process with ONNX Runtime: a text decoder ({@code model*.onnx}
 * or {@code decoder_model_merged*.onnx}) or a SmolVLM-style trio. The folder layout, names, dtypes
 * and sizes are discovered; nothing model-specific is hard-coded.
 */
public final class EmbeddedChatModel implements ChatModel {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedChatModel.class);
    /** Weight files in order of preference when several variants were fetched. */
    static final List<String> SUFFIXES = List.of("", "_fp16", "_int8", "_quantized", "_uint8", "_q4", "_q4f16", "_bnb4");

    /**
     * Load options: ONNX Runtime threads per session, whether the KV cache is used (false only in
     * tests, to prove it changes nothing), and the largest image accepted, in pixels.
     */
    public record Options(int threads, boolean useCache, long maxImagePixels) {
        public Options(int threads, boolean useCache) {
            this(threads, useCache, 40_000_000L);
        }

        public static Options defaults() {
            return new Options(Math.max(1, Runtime.getRuntime().availableProcessors()), true);
        }
    }

    private final String id;
    private final HfConfig config;
    private final HfTokenizer tokenizer;
    private final ChatTemplate template;
    private final DecoderSession decoder;
    private final OrtSession vision;
    private final OrtSession embed;
    private final ImageProcessor images;
    private final int imageSeqLen;
    private final Options options;
    private final OrtEnvironment env;

    private EmbeddedChatModel(String id, HfConfig config, HfTokenizer tokenizer, ChatTemplate template, DecoderSession decoder,
                              OrtSession vision, OrtSession embed, ImageProcessor images, int imageSeqLen, Options options, OrtEnvironment env) {
        this.id = id;
        this.config = config;
        this.tokenizer = tokenizer;
        this.template = template;
        this.decoder = decoder;
        this.vision = vision;
        this.embed = embed;
        this.images = images;
        this.imageSeqLen = imageSeqLen;
        this.options = options;
        this.env = env;
    }

    public static EmbeddedChatModel load(Path dir, Options options) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("model folder " + dir + " does not exist");
        HfConfig config = HfConfig.load(dir);
        Path onnx = Files.isDirectory(dir.resolve("onnx")) ? dir.resolve("onnx") : dir;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        HfTokenizer tokenizer = HfTokenizer.load(dir);
        try {
            ChatTemplate template = ChatTemplate.load(dir);
            Path visionFile = find(onnx, "vision_encoder");
            Path embedFile = find(onnx, "embed_tokens");
            Path decoderFile = find(onnx, "decoder_model_merged");
            if (decoderFile == null) decoderFile = find(onnx, "model");
            if (decoderFile == null) throw new IOException("no decoder ONNX file (decoder_model_merged*.onnx or model*.onnx) in " + onnx);
            OrtSession.SessionOptions so = new OrtSession.SessionOptions();
            so.setIntraOpNumThreads(options.threads());
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // no busy-waiting ORT workers between tokens: on a shared machine they would steal the
            // cores the sampling/detokenising thread and the other senses need
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            DecoderSession decoder = new DecoderSession(env, env.createSession(decoderFile.toString(), so), config);
            OrtSession vision = null, embed = null;
            ImageProcessor processor = null;
            int seqLen = 0;
            if (decoder.embedsInput()) {
                if (embedFile == null) throw new IOException("decoder takes inputs_embeds but embed_tokens*.onnx is missing in " + onnx);
                embed = env.createSession(embedFile.toString(), so);
                if (visionFile != null && config.imageTokenId() != null && ImageProcessor.exists(dir)) {
                    vision = env.createSession(visionFile.toString(), so);
                    processor = ImageProcessor.load(dir);
                    seqLen = imageSeqLen(dir, config);
                }
            }
            log.info("embedded LLM {}: decoder {} ({} layers, KV {}), {}", dir.getFileName(), decoderFile.getFileName(),
                    decoder.layers(), decoder.kvType(), vision != null ? "vision " + visionFile.getFileName() : "text only");
            return new EmbeddedChatModel(dir.getFileName().toString(), config, tokenizer, template, decoder, vision, embed,
                    processor, seqLen, options, env);
        } catch (OrtException e) {
            tokenizer.close();
            throw new IOException("ONNX Runtime could not load " + dir + ": " + e.getMessage(), e);
        }
    }

    private static int imageSeqLen(Path dir, HfConfig config) throws IOException {
        Path pc = dir.resolve("processor_config.json");
        if (Files.isRegularFile(pc)) {
            int n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(pc.toFile()).path("image_seq_len").asInt(0);
            if (n > 0) return n;
        }
        int n = config.raw().path("image_seq_len").asInt(0);
        if (n <= 0) throw new IOException("image_seq_len not found in processor_config.json or config.json of " + dir);
        return n;
    }

    static Path find(Path onnx, String session) {
        for (String s : SUFFIXES) {
            Path p = onnx.resolve(session + s + ".onnx");
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean acceptsImages() {
        return vision != null;
    }

    @Override
    public int contextLength() {
        return config.contextLength();
    }

    @Override
    public int countTokens(String text) {
        return tokenizer.encode(text).length;
    }

    public HfTokenizer tokenizer() {
        return tokenizer;
    }

    public ChatTemplate template() {
        return template;
    }

    /** The prompt text after the chat template and image-token expansion, and its preprocessed images. */
    public record Prompt(String text, long[] ids, List<ImageProcessor.Frames> images) {
    }

    public Prompt prompt(List<ChatMessage> messages, long maxImagePixels) {
        return prompt(messages, List.of(), maxImagePixels);
    }

    /** The prompt with the tools offered rendered by the chat template (its {@code tools} variable). */
    public Prompt prompt(List<ChatMessage> messages, List<ToolSpec> tools, long maxImagePixels) {
        String text = template.render(messages, tools, true, acceptsImages());
        List<ImageProcessor.Frames> frames = new ArrayList<>();
        for (ChatMessage m : messages) {
            for (ContentPart p : m.parts()) {
                if (p instanceof ContentPart.Image img) {
                    if (!acceptsImages()) throw new IllegalArgumentException("model " + id + " is text-only and does not take images");
                    frames.add(images.process(ImageProcessor.decode(img.bytes(), maxImagePixels)));
                }
            }
        }
        if (!frames.isEmpty()) {
            StringBuilder b = new StringBuilder();
            int from = 0, n = 0;
            for (int at = text.indexOf("<image>"); at >= 0; at = text.indexOf("<image>", from)) {
                if (n >= frames.size()) throw new IllegalArgumentException("the chat template produced more <image> tokens than images");
                b.append(text, from, at).append(ImageProcessor.expandImageToken(frames.get(n++), imageSeqLen));
                from = at + "<image>".length();
            }
            if (n != frames.size()) throw new IllegalArgumentException("the chat template placed " + n + " images but " + frames.size() + " were sent");
            text = b.append(text.substring(from)).toString();
        }
        return new Prompt(text, tokenizer.encode(text), frames);
    }

    /**
     * A result with where the time went: the decode loop (after the first token) in wall time and
     * inside ONNX Runtime; their difference per step is this runtime's own overhead per token.
     */
    public record Timed(ChatResult result, double decodeWallMillis, double decodeOrtMillis, int decodeSteps) {
        public double overheadMillisPerToken() {
            return decodeSteps == 0 ? 0 : (decodeWallMillis - decodeOrtMillis) / decodeSteps;
        }
    }

    @Override
    public ChatResult chat(ChatRequest request, TokenListener listener, Cancellation cancellation) {
        return chatTimed(request, listener, cancellation).result();
    }

    public Timed chatTimed(ChatRequest request, TokenListener listener, Cancellation cancellation) {
        long t0 = System.nanoTime();
        if (request.responseFormat().json()) {
            throw new LlmException(400, "unsupported_response_format", "model " + id + " (ONNX) cannot enforce response_format "
                    + request.responseFormat().kind().name().toLowerCase(java.util.Locale.ROOT) + ": use a GGUF model (llm_backend gguf) or a remote server");
        }
        Prompt prompt = prompt(request.messages(), offeredTools(request), options.maxImagePixels());
        int context = config.contextLength() > 0 ? config.contextLength() : Integer.MAX_VALUE;
        if (prompt.ids().length >= context) {
            throw new LlmException(400, "context_length_exceeded", "the prompt is " + prompt.ids().length + " tokens but model "
                    + id + " has a context of " + context + ": shorten the conversation");
        }
        int max = Math.min(request.maxTokens() == null ? Integer.MAX_VALUE : request.maxTokens(), context - prompt.ids().length);
        try (LanguageModel lm = newGeneration()) {
            return generate(lm, prompt.ids(), prompt.images(), request, max, listener, cancellation, t0);
        } catch (OrtException e) {
            throw new LlmException(500, "inference_failed", "ONNX Runtime failed while generating: " + e.getMessage(), e);
        }
    }

    /** The tools the template shows: none for tool_choice none, only the named one for a named choice. */
    public static List<ToolSpec> offeredTools(ChatRequest request) {
        if (!request.toolsOffered()) return List.of();
        if (request.toolChoice().mode() == ToolChoice.Mode.FUNCTION) {
            return request.tools().stream().filter(t -> t.name().equals(request.toolChoice().function())).toList();
        }
        return request.tools();
    }

    private LanguageModel newGeneration() {
        return vision != null || embed != null
                ? new VisionLanguageModel(env, vision, embed, decoder, config.imageTokenId() == null ? -1 : config.imageTokenId())
                : new TextModel(decoder, options.useCache());
    }

    /** The decoding loop: sample, stop on EOS / stop string / max tokens / cancellation, stream text. */
    private Timed generate(LanguageModel lm, long[] ids, List<ImageProcessor.Frames> frames, ChatRequest request, int max,
                                TokenListener listener, Cancellation cancellation, long t0) throws OrtException {
        Sampler sampler = new Sampler(request.sampling());
        Sampler.TokenSet seen = new Sampler.TokenSet();
        for (long id : ids) seen.add(id);
        TextStreamer streamer = new TextStreamer(tokenizer);
        StopStrings stops = new StopStrings(request.stop());
        List<ToolSpec> tools = offeredTools(request);
        int[] callIndex = {0};
        ToolCallParser calls = tools.isEmpty() ? null : new ToolCallParser(
                tools.stream().map(ToolSpec::name).collect(java.util.stream.Collectors.toSet()), id,
                c -> listener.onToolCall(new ToolCall.Delta(callIndex[0]++, c.id(), c.name(), c.arguments())));
        StringBuilder text = new StringBuilder();
        Set<Long> eos = config.eosTokenIds();
        FinishReason finish = FinishReason.LENGTH;
        double firstMillis = 0;
        int produced = 0;
        if (cancellation.isCancelled()) return new Timed(new ChatResult("", FinishReason.CANCELLED, ids.length, 0, 0, 0), 0, 0, 0);
        float[] logits = lm.prefill(ids, frames);
        long loopStart = System.nanoTime();
        long prefillOrt = lm.ortNanos();
        int steps = 0;
        while (produced < max) {
            if (cancellation.isCancelled()) {
                finish = FinishReason.CANCELLED;
                break;
            }
            int token = sampler.next(logits, seen);
            if (produced == 0) firstMillis = (System.nanoTime() - t0) / 1e6;
            if (eos.contains((long) token)) {
                finish = FinishReason.STOP;
                break;
            }
            produced++;
            seen.add(token);
            String released = stops.push(streamer.push(token));
            if (calls != null) released = calls.push(released);
            if (!released.isEmpty()) {
                text.append(released);
                listener.onText(released);
            }
            if (stops.stopped()) {
                finish = FinishReason.STOP;
                break;
            }
            if (produced >= max) break;
            if (cancellation.isCancelled()) {
                finish = FinishReason.CANCELLED;
                break;
            }
            logits = lm.step(token);
            steps++;
        }
        long loopEnd = System.nanoTime();
        finish = ToolCallParser.end(stops, calls, finish, text, listener);
        List<ToolCall> made = calls == null ? List.of() : calls.calls();
        ChatResult result = new ChatResult(text.toString(), finish, ids.length, produced, firstMillis, (System.nanoTime() - t0) / 1e6, made);
        return new Timed(result, (loopEnd - loopStart) / 1e6, (lm.ortNanos() - prefillOrt) / 1e6, steps);
    }

    /** Greedy ids after a raw prompt of ids (tests and benchmarks); stops at EOS or maxTokens. */
    public long[] generateIds(long[] promptIds, int maxTokens, Cancellation cancellation) {
        return greedy(promptIds, List.of(), maxTokens, cancellation);
    }

    /** Greedy ids after a prompt with images (VLM tests). */
    public long[] generateIds(Prompt prompt, int maxTokens) {
        return greedy(prompt.ids(), prompt.images(), maxTokens, new Cancellation());
    }

    private long[] greedy(long[] ids, List<ImageProcessor.Frames> images, int maxTokens, Cancellation cancellation) {
        try (LanguageModel lm = newGeneration()) {
            long[] out = new long[maxTokens];
            int n = 0;
            float[] logits = lm.prefill(ids, images);
            while (n < maxTokens && !cancellation.isCancelled()) {
                int token = Sampler.argmax(logits);
                if (config.eosTokenIds().contains((long) token)) break;
                out[n++] = token;
                if (n < maxTokens) logits = lm.step(token);
            }
            return java.util.Arrays.copyOf(out, n);
        } catch (OrtException e) {
            throw new LlmException(500, "inference_failed", e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        decoder.close();
        try {
            if (vision != null) vision.close();
            if (embed != null) embed.close();
        } catch (OrtException e) {
            log.warn("closing sessions: {}", e.getMessage());
        }
        tokenizer.close();
    }
}
