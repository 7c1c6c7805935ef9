package perception.llm.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import perception.llm.LlmException;

/**
 * The JSON schemas llama.cpp's grammar converter may see. That converter is C++ that aborts the
 * whole process on what it does not understand (an unknown type, a {@code $ref} it cannot
 * resolve, a keyword of the wrong type, a pattern without anchors), and writes impossible or
 * huge grammars for contradictions ({@code minLength} over {@code maxLength}, an empty enum) and
 * deep nesting. So a client's schema is checked here against the subset it handles, with bounds,
 * and refused with a 400 naming the place and the rule.
 */
final class SchemaCheck {
    static final int MAX_DEPTH = 12;
    static final int MAX_NODES = 1000;
    static final int MAX_REPEAT = 64;
    static final int MAX_LENGTH = 1024;
    static final int MAX_CHOICES = 256;
    private static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "null", "object", "array");
    private static final Set<String> NOTES = Set.of("title", "description", "default", "examples", "$comment", "format", "$schema", "$id");
    private static final Pattern REF = Pattern.compile("#/(\\$defs|definitions)/([A-Za-z0-9_.-]{1,64})");

    private final JsonNode root;
    private int nodes;

    private SchemaCheck(JsonNode root) {
        this.root = root;
    }

    static void check(JsonNode schema) {
        new SchemaCheck(schema).node(schema, "schema", 0, true);
    }

    private void node(JsonNode s, String at, int depth, boolean isRoot) {
        if (!s.isObject()) throw bad(at, "a schema must be an object");
        if (++nodes > MAX_NODES) throw bad(at, "more than " + MAX_NODES + " schemas in all");
        if (depth > MAX_DEPTH) throw bad(at, "nested deeper than " + MAX_DEPTH);
        for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey(), here = at + "." + key;
            JsonNode v = e.getValue();
            switch (key) {
                case "type" -> type(v, here);
                case "properties" -> {
                    if (!v.isObject() || v.size() > 128) throw bad(here, "must be an object of at most 128 schemas");
                    v.fields().forEachRemaining(p -> node(p.getValue(), here + "." + p.getKey(), depth + 1, false));
                }
                case "required" -> {
                    if (!v.isArray()) throw bad(here, "must be an array of property names");
                    v.forEach(n -> { if (!n.isTextual()) throw bad(here, "must hold strings"); });
                }
                case "additionalProperties" -> {
                    if (!v.isBoolean()) node(v, here, depth + 1, false);
                }
                case "items" -> node(v, here, depth + 1, false);
                case "anyOf", "oneOf" -> {
                    if (!v.isArray() || v.isEmpty() || v.size() > 32) throw bad(here, "must be an array of 1 to 32 schemas");
                    for (int i = 0; i < v.size(); i++) node(v.get(i), here + "[" + i + "]", depth + 1, false);
                }
                case "enum" -> {
                    if (!v.isArray() || v.isEmpty() || v.size() > MAX_CHOICES) throw bad(here, "must be an array of 1 to " + MAX_CHOICES + " values");
                    v.forEach(n -> { if (n.toString().length() > 256) throw bad(here, "values must be at most 256 characters of JSON"); });
                }
                case "const" -> {
                    if (v.toString().length() > 256) throw bad(here, "must be at most 256 characters of JSON");
                }
                case "minItems", "maxItems" -> count(v, here, MAX_REPEAT);
                case "minLength", "maxLength" -> count(v, here, MAX_LENGTH);
                case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" -> {
                    if (!v.isNumber() || Math.abs(v.asDouble()) > 1e15) throw bad(here, "must be a number within ±1e15");
                }
                case "$ref" -> ref(v, here);
                case "$defs", "definitions" -> {
                    if (!isRoot) throw bad(here, "definitions are read at the top of the schema only");
                    if (!v.isObject()) throw bad(here, "must be an object of schemas");
                    v.fields().forEachRemaining(d -> node(d.getValue(), here + "." + d.getKey(), depth + 1, false));
                }
                default -> {
                    if (!NOTES.contains(key)) {
                        throw bad(here, "is not supported (use type, properties, required, additionalProperties, items, enum, const, "
                                + "anyOf, oneOf, $ref to #/$defs/NAME, min/max Items, Length, imum, format)");
                    }
                    if (key.equals("format") && !v.isTextual()) throw bad(here, "must be a string");
                }
            }
        }
        ordered(s, "minItems", "maxItems", at);
        ordered(s, "minLength", "maxLength", at);
        ordered(s, "minimum", "maximum", at);
    }

    private static void type(JsonNode v, String at) {
        if (v.isTextual()) {
            if (!TYPES.contains(v.asText())) throw bad(at, "'" + v.asText() + "' is not a JSON schema type " + TYPES);
            return;
        }
        if (!v.isArray() || v.isEmpty()) throw bad(at, "must be a type name or a non-empty array of them");
        v.forEach(t -> type(t, at));
    }

    private static void count(JsonNode v, String at, int max) {
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0 || v.asInt() > max) throw bad(at, "must be a whole number from 0 to " + max);
    }

    private static void ordered(JsonNode s, String min, String max, String at) {
        if (s.has(min) && s.has(max) && s.get(min).asDouble() > s.get(max).asDouble()) throw bad(at, min + " is above " + max);
    }

    private void ref(JsonNode v, String at) {
        var m = v.isTextual() ? REF.matcher(v.asText()) : null;
        if (m == null || !m.matches()) throw bad(at, "only references to #/$defs/NAME or #/definitions/NAME are supported");
        if (!root.path(m.group(1)).has(m.group(2))) throw bad(at, "'" + v.asText() + "' is not defined in the schema");
    }

    private static LlmException bad(String at, String why) {
        return new LlmException(400, "invalid_json_schema", "JSON schema " + at + " " + why + ".");
    }
}
