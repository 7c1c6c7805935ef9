package perception.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What shape the answer must have (OpenAI {@code response_format}): free text, any JSON object, or
 * JSON that follows a schema. Engines that can enforce it (llama.cpp's grammars) do; a request for
 * JSON to one that cannot is refused rather than answered in free text.
 */
public record ResponseFormat(Kind kind, String name, ObjectNode schema) {
    public enum Kind { TEXT, JSON_OBJECT, JSON_SCHEMA }

    public static final ResponseFormat TEXT = new ResponseFormat(Kind.TEXT, null, null);
    public static final ResponseFormat JSON_OBJECT = new ResponseFormat(Kind.JSON_OBJECT, null, null);

    public ResponseFormat {
        if (kind == null) kind = Kind.TEXT;
        if (kind == Kind.JSON_SCHEMA && schema == null) throw new IllegalArgumentException("response_format json_schema needs json_schema.schema");
        if (kind != Kind.JSON_SCHEMA) schema = null;
    }

    public static ResponseFormat schema(String name, ObjectNode schema) {
        return new ResponseFormat(Kind.JSON_SCHEMA, name, schema);
    }

    public boolean json() {
        return kind != Kind.TEXT;
    }
}
