package perception.llm.skills;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a skill found: structured data (returned to an LLM as the tool's output, and to clients)
 * and one or two sentences that sound natural when spoken by the synthesizer.
 */
public record SkillResult(ObjectNode data, String speech) {
    public SkillResult {
        if (data == null || speech == null || speech.isBlank()) throw new IllegalArgumentException("a skill result needs data and speech");
    }
}
