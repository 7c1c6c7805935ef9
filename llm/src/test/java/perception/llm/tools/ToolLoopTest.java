package perception.llm.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import perception.llm.Cancellation;
import perception.llm.ChatMessage;
import perception.llm.ChatMessage.Role;
import perception.llm.ChatRequest;
import perception.llm.ChatResult.FinishReason;
import perception.llm.LlmException;
import perception.llm.TokenListener;
import perception.llm.ToolCall;
import perception.llm.ToolSpec;
import perception.llm.embedded.EmbeddedChatModel;
import perception.llm.skills.Observation;
import perception.llm.skills.Skill;
import perception.llm.skills.SkillContext;
import perception.llm.skills.SkillException;
import perception.llm.skills.SkillResult;
import perception.llm.onnx.testmodel.ToolCallTestModel;

/** The tool loop with a real embedded model that calls the calculator and answers from its result. */
class ToolLoopTest {
    static EmbeddedChatModel model;
    static EmbeddedChatModel malformed;
    static final SkillContext CONTEXT = new SkillContext() {
        @Override
        public Instant now() {
            return Instant.parse("2026-01-01T12:00:00Z");
        }

        @Override
        public ZoneId userZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Optional<Observation> observation() {
            return Optional.empty();
        }
    };

    @BeforeAll
    static void load() throws Exception {
        model = EmbeddedChatModel.load(ToolCallTestModel.write(Files.createTempDirectory("tool-llm")), new EmbeddedChatModel.Options(1, true));
        malformed = EmbeddedChatModel.load(ToolCallTestModel.write(Files.createTempDirectory("tool-llm-bad"), ToolCallTestModel.MALFORMED_CALL),
                new EmbeddedChatModel.Options(1, true));
    }

    @AfterAll
    static void close() {
        if (model != null) model.close();
        if (malformed != null) malformed.close();
    }

    static ChatRequest question() {
        return ChatRequest.of(List.of(ChatMessage.text(Role.USER, "What is 17 times 23?")), 64);
    }

    /** Collects what reaches the caller. */
    static final class Heard implements TokenListener {
        final StringBuilder text = new StringBuilder();
        final List<ToolCall.Delta> calls = new ArrayList<>();

        @Override
        public void onText(String t) {
            text.append(t);
        }

        @Override
        public void onToolCall(ToolCall.Delta d) {
            calls.add(d);
        }
    }

    @Test
    void theSkillRunsAndItsResultComesBackIntoTheAnswer() {
        Heard heard = new Heard();
        ToolLoop.Outcome out = new ToolLoop(model, List.of(new TestCalculator()), CONTEXT, 4).run(question(), heard, new Cancellation());
        assertEquals("The answer is 391.", out.result().text());
        assertEquals("The answer is 391.", heard.text.toString(), "only the answer streams: the call text is withheld");
        assertTrue(heard.calls.isEmpty(), "calls to server skills stay on the server: " + heard.calls);
        assertEquals(FinishReason.STOP, out.result().finishReason());
        assertEquals(2, out.rounds());
        ChatMessage call = out.messages().get(1);
        assertEquals("calculator", call.toolCalls().get(0).name());
        assertEquals("{\"expression\":\"17*23\"}", call.toolCalls().get(0).arguments());
        ChatMessage result = out.messages().get(2);
        assertEquals(Role.TOOL, result.role());
        assertEquals(call.toolCalls().get(0).id(), result.toolCallId());
        assertEquals("{\"expression\":\"17*23\",\"result\":\"391\"}", result.text());
        assertTrue(out.result().promptTokens() > 0 && out.result().completionTokens() >= 6, out.result().toString());
    }

    @Test
    void theAnswerFollowsWhatTheToolReturned() {
        Skill wrong = new Skill() { // adds instead of multiplying: the answer must say what the tool said
            public String name() {
                return "calculator";
            }

            public String description() {
                return "adds";
            }

            public ObjectNode parameters() {
                return JsonNodeFactory.instance.objectNode().put("type", "object");
            }

            public SkillResult run(ObjectNode a, SkillContext c) {
                return new SkillResult(JsonNodeFactory.instance.objectNode().put("result", 40), "forty");
            }
        };
        ToolLoop.Outcome out = new ToolLoop(model, List.of(wrong), CONTEXT, 4).run(question(), new Heard(), new Cancellation());
        assertEquals("The answer is 40.", out.result().text());
    }

    @Test
    void aFailingSkillTellsTheModelWhatWentWrong() {
        Skill failing = new Skill() {
            public String name() {
                return "calculator";
            }

            public String description() {
                return "fails";
            }

            public ObjectNode parameters() {
                return JsonNodeFactory.instance.objectNode().put("type", "object");
            }

            public SkillResult run(ObjectNode a, SkillContext c) throws SkillException {
                throw new SkillException("cannot divide by zero");
            }
        };
        ToolLoop.Outcome out = new ToolLoop(model, List.of(failing), CONTEXT, 4).run(question(), new Heard(), new Cancellation());
        assertEquals("{\"error\":\"cannot divide by zero\"}", out.messages().get(2).text());
        assertEquals(FinishReason.STOP, out.result().finishReason());
        assertTrue(!out.result().text().contains("391"), out.result().text());
    }

    @Test
    void aCallToAClientToolEndsTheLoopAndGoesToTheClient() {
        ToolSpec clientCalculator = new ToolSpec("calculator", "the client's own calculator", null);
        Heard heard = new Heard();
        ToolLoop.Outcome out = new ToolLoop(model, List.of(new TestCalculator()), CONTEXT, 4)
                .run(question().withTools(List.of(clientCalculator), null), heard, new Cancellation());
        assertEquals(FinishReason.TOOL_CALLS, out.result().finishReason());
        assertEquals(1, out.rounds());
        assertEquals(1, out.result().toolCalls().size());
        assertEquals("{\"expression\":\"17*23\"}", out.result().toolCalls().get(0).arguments());
        assertEquals(1, heard.calls.size());
        assertEquals("calculator", heard.calls.get(0).name());
        assertEquals("", heard.text.toString());
    }

    @Test
    void asAChatModelTheLoopAnswersWithSkills() {
        Heard heard = new Heard();
        var chat = new ToolLoopChatModel(model, List.of(new TestCalculator()), () -> CONTEXT, 4);
        assertEquals("The answer is 391.", chat.chat(question(), heard, new Cancellation()).text());
        assertEquals("The answer is 391.", heard.text.toString());
        assertEquals(model.id(), chat.id());
    }

    @Test
    void roundsAreBounded() {
        // one round: no skills are offered, so the model's call is plain text and nothing runs
        ToolLoop.Outcome out = new ToolLoop(model, List.of(new TestCalculator()), CONTEXT, 1).run(question(), new Heard(), new Cancellation());
        assertEquals(1, out.rounds());
        assertEquals(FinishReason.STOP, out.result().finishReason());
        assertEquals("<tool_call>" + ToolCallTestModel.CALL + "</tool_call>", out.result().text());
    }

    @Test
    void aMalformedCallIsReportedNotCrashed() {
        LlmException e = assertThrows(LlmException.class,
                () -> new ToolLoop(malformed, List.of(new TestCalculator()), CONTEXT, 4).run(question(), new Heard(), new Cancellation()));
        assertEquals("invalid_tool_call", e.code());
        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("not valid JSON") && e.getMessage().contains("17*23"), e.getMessage());
    }
}
