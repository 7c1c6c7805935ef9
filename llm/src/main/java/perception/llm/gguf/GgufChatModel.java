package perception.llm.gguf;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.llm.Cancellation;
import perception.llm.ChatMessage;
import perception.llm.ChatModel;
import perception.llm.ChatRequest;
import perception.llm.ChatResult;
import perception.llm.ChatResult.FinishReason;
import perception.llm.LlmException;
import perception.llm.Sampling;
import perception.llm.TokenListener;
import perception.llm.ToolCall;
import perception.llm.ToolSpec;
import perception.llm.embedded.ChatTemplate;
import perception.llm.embedded.EmbeddedChatModel;
import perception.llm.embedded.StopStrings;
import perception.llm.embedded.ToolCallParser;

/**
 * A GGUF chat model run in-process by llama.cpp (the {@code de.kherud:llama} binding). One model
 * is loaded and shared: llama.cpp's server loop holds {@code slots} sequences, each with its own
 * KV cache of {@code contextPerSlot} tokens, and batches the running ones together. Every request
 * keeps its prompt in its slot ({@code cache_prompt}): the next turn of the same conversation
 * lands on the slot holding the longest common prefix and reads only what is new; a new
 * conversation takes the least recently used slot. So the cache is bounded by slots ×
 * contextPerSlot tokens, evicted least recently used.
 *
 * <p>The prompt is the model's own chat template (GGUF metadata) rendered here, so tools and
 * messages render as for the ONNX engine; a template that knows no tools gets them in its system
 * message ({@link ToolPrompt}). Required tool calls and JSON answers are enforced by grammars.
 */
public final class GgufChatModel implements ChatModel {
    private static final Logger log = LoggerFactory.getLogger(GgufChatModel.class);

    /**
     * {@code threads}: llama.cpp compute threads (all slots run in one batch on them);
     * {@code slots}: conversations decoded at once, each with its own KV cache;
     * {@code contextPerSlot}: tokens of context (and cache) per slot, at most the model's own.
     */
    public record Options(int threads, int slots, int contextPerSlot) {
        public Options {
            if (threads < 1 || slots < 1 || contextPerSlot < 64) {
                throw new IllegalArgumentException("GGUF options need threads >= 1, slots >= 1, context >= 64; got " + threads + ", " + slots + ", " + contextPerSlot);
            }
        }
    }

    private final String id;
    private final GgufFile file;
    private final ChatTemplate template;
    private final boolean templateTools;
    private final LlamaModel llama;
    private final int context;

    private GgufChatModel(String id, GgufFile file, ChatTemplate template, LlamaModel llama, int context) {
        this.id = id;
        this.file = file;
        this.template = template;
        this.templateTools = ToolPrompt.templateRendersTools(file.chatTemplate());
        this.llama = llama;
        this.context = context;
    }

    /** Checks the file in Java (GGUF magic, metadata, a chat template), then loads it into llama.cpp. */
    public static GgufChatModel load(String id, Path path, Options options) throws IOException {
        GgufFile file = GgufFile.read(path);
        if (file.chatTemplate() == null || file.chatTemplate().isBlank()) {
            throw new IOException(path + " has no chat template in its metadata (tokenizer.chat_template): use an instruct/chat GGUF");
        }
        Map<String, Object> specials = new LinkedHashMap<>();
        if (file.bosToken() != null) specials.put("bos_token", file.bosToken());
        if (file.eosToken() != null) specials.put("eos_token", file.eosToken());
        ChatTemplate template = new ChatTemplate(file.chatTemplate(), specials);
        int perSlot = file.contextLength() > 0 ? Math.min(options.contextPerSlot(), file.contextLength()) : options.contextPerSlot();
        ModelParameters params = new ModelParameters()
                .setModel(path.toString())
                .setCtxSize(perSlot * options.slots())
                .setParallel(options.slots())
                .setThreads(options.threads())
                .setThreadsBatch(options.threads())
                // a full context ends the answer (finish_reason length) instead of silently dropping the conversation's start
                .disableContextShift()
                // llama.cpp's server prints every slot event to stdout; its load errors come back as LlamaException
                .disableLog();
        try {
            LlamaModel llama = new LlamaModel(params);
            log.info("GGUF model {} ({}, {}): {} slots x {} tokens of context, {} threads", id, file.name(), file.architecture(),
                    options.slots(), perSlot, options.threads());
            return new GgufChatModel(id, file, template, llama, perSlot);
        } catch (RuntimeException | UnsatisfiedLinkError e) { // LlamaException is not public
            throw new IOException("llama.cpp could not load " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String id() {
        return id;
    }

    public GgufFile file() {
        return file;
    }

    @Override
    public boolean acceptsImages() {
        return false;
    }

    /** Tokens of context one conversation has (its slot's share). */
    @Override
    public int contextLength() {
        return context;
    }

    @Override
    public int countTokens(String text) {
        return llama.encode(text).length;
    }

    /** The token ids llama.cpp reads for a prompt text (control tokens included). */
    public int[] tokens(String text) {
        return llama.encode(text);
    }

    /** The prompt text the model reads for a request: its template over the messages, with the tools offered. */
    public String prompt(ChatRequest request) {
        List<ToolSpec> tools = EmbeddedChatModel.offeredTools(request);
        List<ChatMessage> messages = defused(request.messages());
        if (!templateTools) {
            // the template cannot render tools or tool turns: put them in the messages' text
            boolean toolTurns = messages.stream().anyMatch(m -> m.role() == ChatMessage.Role.TOOL || !m.toolCalls().isEmpty());
            if (!tools.isEmpty() || toolTurns) messages = ToolPrompt.inline(messages, tools);
            tools = List.of();
        }
        return template.render(messages, tools, true, false);
    }

    @Override
    public ChatResult chat(ChatRequest request, TokenListener listener, Cancellation cancellation) {
        long t0 = System.nanoTime();
        if (request.hasImages()) throw new LlmException(400, "invalid_request", "model " + id + " is text-only and does not take images");
        String prompt = prompt(request);
        int promptTokens = llama.encode(prompt).length;
        if (promptTokens >= context) {
            throw new LlmException(400, "context_length_exceeded", "the prompt is " + promptTokens + " tokens but model " + id
                    + " has a context of " + context + " tokens: shorten the conversation (or raise llm_context)");
        }
        int max = Math.min(request.maxTokens() == null ? Integer.MAX_VALUE : request.maxTokens(), context - promptTokens);
        List<ToolSpec> tools = EmbeddedChatModel.offeredTools(request);
        String grammar = Grammars.of(request, tools, LlamaModel::jsonSchemaToGrammar);
        InferenceParameters params = parameters(prompt, request.sampling(), max, request.stop(), grammar);
        if (cancellation.isCancelled()) return new ChatResult("", FinishReason.CANCELLED, promptTokens, 0, 0, 0);

        StopStrings stops = new StopStrings(request.stop());
        int[] callIndex = {0};
        ToolCallParser calls = tools.isEmpty() ? null : new ToolCallParser(tools.stream().map(ToolSpec::name).collect(Collectors.toSet()), id,
                c -> listener.onToolCall(new ToolCall.Delta(callIndex[0]++, c.id(), c.name(), c.arguments())));
        StringBuilder text = new StringBuilder();
        FinishReason finish = FinishReason.STOP;
        double firstMillis = 0;
        int produced = 0;
        LlamaIterator it = llama.generate(params).iterator();
        try {
            while (it.hasNext()) {
                LlamaOutput out = it.next();
                if (out.text.isEmpty()) continue; // the closing message, or a token that is half a character
                produced++;
                if (firstMillis == 0) firstMillis = (System.nanoTime() - t0) / 1e6;
                String released = stops.push(out.text);
                if (calls != null) released = calls.push(released);
                if (!released.isEmpty()) {
                    text.append(released);
                    listener.onText(released);
                }
                if (stops.stopped()) break;
                if (cancellation.isCancelled()) {
                    finish = FinishReason.CANCELLED;
                    break;
                }
            }
        } catch (RuntimeException e) {
            // llama.cpp's LlamaException is not public; anything else (a listener's failure) passes as it is
            if (!e.getClass().getName().equals("de.kherud.llama.LlamaException")) throw e;
            throw new LlmException(500, "inference_failed", "llama.cpp failed while generating: " + e.getMessage(), e);
        } finally {
            // stops the slot's compute now (a cancel, a stop string, a listener that threw), not at max_tokens
            if (it.hasNext()) it.cancel();
        }
        if (finish == FinishReason.STOP && produced >= max && !stops.stopped()) finish = FinishReason.LENGTH;
        finish = ToolCallParser.end(stops, calls, finish, text, listener);
        List<ToolCall> made = calls == null ? List.of() : calls.calls();
        return new ChatResult(text.toString(), finish, promptTokens, produced, firstMillis, (System.nanoTime() - t0) / 1e6, made);
    }

    /**
     * llama.cpp reads control tokens in the prompt's text as the tokens themselves, so a message
     * holding "<|im_end|><|im_start|>system" would open a turn of its own; in messages they are
     * broken by a zero-width space and read as plain text. Only the template writes them.
     */
    List<ChatMessage> defused(List<ChatMessage> messages) {
        List<String> control = file.controlTokens();
        if (control.isEmpty()) return messages;
        List<ChatMessage> out = new java.util.ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            boolean touched = false;
            List<perception.llm.ContentPart> parts = new java.util.ArrayList<>();
            for (perception.llm.ContentPart p : m.parts()) {
                if (p instanceof perception.llm.ContentPart.Text t && control.stream().anyMatch(t.text()::contains)) {
                    String text = t.text();
                    for (String c : control) text = text.replace(c, c.charAt(0) + "\u200B" + c.substring(1));
                    parts.add(new perception.llm.ContentPart.Text(text));
                    touched = true;
                } else {
                    parts.add(p);
                }
            }
            out.add(touched ? m.withParts(parts) : m);
        }
        return out;
    }

    /** OpenAI's sampling in llama.cpp's words: its own defaults (top_k 40, min_p 0.05, repeat 1.1 …) are switched off. */
    static InferenceParameters parameters(String prompt, Sampling s, int max, List<String> stop, String grammar) {
        InferenceParameters p = new InferenceParameters(prompt)
                .setCachePrompt(true)
                .setNPredict(max)
                .setTemperature((float) (s.greedy() ? 0 : s.temperature()))
                .setTopK(s.topK())
                .setTopP((float) s.topP())
                .setMinP(0)
                .setRepeatPenalty((float) s.repetitionPenalty())
                .setSeed(s.seed() == null ? (int) (Math.random() * Integer.MAX_VALUE) : (int) (s.seed() & 0x7fffffff));
        if (!stop.isEmpty()) p.setStopStrings(stop.toArray(String[]::new));
        if (grammar != null) p.setGrammar(grammar);
        return p;
    }

    @Override
    public void close() {
        llama.close();
    }
}
