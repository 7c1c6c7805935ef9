package perception.llm.skills;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a skill found: structured data (returned to an LLM as the tool's output, and to clients),
 * one or two sentences that sound natural when spoken by the synthesizer (numbers in words), and
 * the same answer written for reading ({@code text}: digits and symbols; the speech when a skill
 * has no separate written form).
 */
public record SkillResult(ObjectNode data, String speech, String text) {
    public SkillResult {
        if (data == null || speech == null || speech.isBlank()) throw new IllegalArgumentException("a skill result needs data and speech");
        if (text == null || text.isBlank()) text = speech;
    }

    public SkillResult(ObjectNode data, String speech) {
        this(data, speech, speech);
    }
}
