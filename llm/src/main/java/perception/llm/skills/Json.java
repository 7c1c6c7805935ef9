package perception.llm.skills;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small helpers for the skills' JSON: schemas and argument reading. */
final class Json {
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Json() {
    }

    static ObjectNode object() {
        return F.objectNode();
    }

    /** {"type":"object","properties":{...},"required":[...]} from name/type/description triples. */
    static ObjectNode schema(String[] required, String... nameTypeDescription) {
        ObjectNode props = object();
        for (int i = 0; i < nameTypeDescription.length; i += 3) {
            ObjectNode p = props.putObject(nameTypeDescription[i]).put("type", nameTypeDescription[i + 1]);
            String d = nameTypeDescription[i + 2];
            if (d.startsWith("enum:")) {
                ArrayNode values = p.putArray("enum");
                for (String v : d.substring(5, d.indexOf(' ')).split(",")) values.add(v);
                d = d.substring(d.indexOf(' ') + 1);
            }
            p.put("description", d);
        }
        ObjectNode s = object().put("type", "object");
        s.set("properties", props);
        ArrayNode req = s.putArray("required");
        for (String r : required) req.add(r);
        s.put("additionalProperties", false);
        return s;
    }

    /** A string argument, or null when absent/blank; any other type is a SkillException. */
    static String string(ObjectNode args, String name) throws SkillException {
        JsonNode n = args == null ? null : args.get(name);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw new SkillException("The argument \"" + name + "\" must be a string.");
        String s = n.asText().strip();
        if (s.length() > 500) throw new SkillException("The argument \"" + name + "\" is too long (at most 500 characters).");
        return s.isEmpty() ? null : s;
    }

    static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
