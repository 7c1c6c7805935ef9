package perception.llm.gguf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.UnaryOperator;
import perception.llm.ChatRequest;
import perception.llm.LlmException;
import perception.llm.ResponseFormat;
import perception.llm.ToolChoice;
import perception.llm.ToolSpec;

/**
 * The GBNF grammar that constrains a generation, from what the request demands: a tool call when
 * {@code tool_choice} is {@code required} or names a function ({@code <tool_call>} around JSON
 * whose name is an offered function and whose arguments follow its schema), else JSON when
 * {@code response_format} asks for it. The JSON schema is turned into GBNF by llama.cpp's own
 * converter ({@code toGrammar}); schemas are checked ({@link SchemaCheck}) and bounded before they
 * reach it, and so is what it makes.
 */
final class Grammars {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A schema longer than this is refused before the native converter sees it. */
    static final int MAX_SCHEMA_CHARS = 64 * 1024;
    /** Nesting multiplies the converter's rules: a grammar past this size is refused, not parsed. */
    static final int MAX_GRAMMAR_CHARS = 256 * 1024;

    private Grammars() {
    }

    /** null when the request leaves the output free. */
    static String of(ChatRequest request, List<ToolSpec> offered, UnaryOperator<String> toGrammar) {
        ToolChoice.Mode mode = request.toolChoice().mode();
        if (!offered.isEmpty() && (mode == ToolChoice.Mode.REQUIRED || mode == ToolChoice.Mode.FUNCTION)) {
            return toolCall(offered, toGrammar);
        }
        ResponseFormat f = request.responseFormat();
        return switch (f.kind()) {
            case TEXT -> null;
            case JSON_OBJECT -> convert(JSON.createObjectNode().put("type", "object"), toGrammar);
            case JSON_SCHEMA -> convert(f.schema(), toGrammar);
        };
    }

    /** {@code <tool_call>\n{"name": …, "arguments": {…}}\n</tool_call>}, one of the offered functions. */
    static String toolCall(List<ToolSpec> offered, UnaryOperator<String> toGrammar) {
        ArrayNode oneOf = JSON.createArrayNode();
        for (ToolSpec t : offered) {
            ObjectNode call = JSON.createObjectNode().put("type", "object");
            ObjectNode props = call.putObject("properties");
            props.putObject("name").put("const", t.name());
            props.set("arguments", t.parameters());
            call.putArray("required").add("name").add("arguments");
            call.put("additionalProperties", false);
            oneOf.add(call);
        }
        ObjectNode schema = JSON.createObjectNode();
        if (oneOf.size() == 1) schema = (ObjectNode) oneOf.get(0);
        else schema.set("oneOf", oneOf);
        String json = convert(schema, toGrammar);
        // the converter's start rule becomes the call's body, wrapped in the tags the parser reads
        return "root ::= \"<tool_call>\\n\" tool-call-json \"\\n</tool_call>\"\n"
                + json.replaceFirst("(?m)^root ::=", "tool-call-json ::=");
    }

    /** The converter aborts the process on a schema it does not understand: only a checked one reaches it. */
    private static String convert(ObjectNode schema, UnaryOperator<String> toGrammar) {
        String text = schema.toString();
        if (text.length() > MAX_SCHEMA_CHARS) {
            throw new LlmException(400, "invalid_json_schema", "the JSON schema is " + text.length() + " characters; at most " + MAX_SCHEMA_CHARS + " are accepted");
        }
        SchemaCheck.check(schema);
        String grammar;
        try {
            grammar = toGrammar.apply(text);
        } catch (RuntimeException e) {
            throw new LlmException(400, "invalid_json_schema", "llama.cpp cannot turn this JSON schema into a grammar: "
                    + e.getMessage() + " (use a plainer schema: type, properties, required, enum, items)");
        }
        if (grammar.length() > MAX_GRAMMAR_CHARS) {
            throw new LlmException(400, "invalid_json_schema", "the JSON schema makes a grammar of " + grammar.length()
                    + " characters (at most " + MAX_GRAMMAR_CHARS + "): nest less, or use fewer properties and choices");
        }
        return grammar;
    }
}
