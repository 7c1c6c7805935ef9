package perception.llm.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import perception.llm.Cancellation;
import perception.llm.ChatMessage;
import perception.llm.ChatModel;
import perception.llm.ChatRequest;
import perception.llm.ChatResult;
import perception.llm.TokenListener;
import perception.llm.skills.Observation;
import perception.llm.skills.Skills;
import perception.llm.skills.TestContext;

class AssistantModelTest {
    /** A language model that answers every request with one fixed sentence (the routing is under test, not the LLM). */
    static class FixedAnswerModel implements ChatModel {
        final List<ChatRequest> seen = new ArrayList<>();

        @Override
        public String id() {
            return "fixed-llm";
        }

        @Override
        public boolean acceptsImages() {
            return false;
        }

        @Override
        public int contextLength() {
            return 0;
        }

        @Override
        public int countTokens(String text) {
            return text.length();
        }

        @Override
        public ChatResult chat(ChatRequest request, TokenListener listener, Cancellation cancellation) {
            seen.add(request);
            listener.onText("From the LLM.");
            return new ChatResult("From the LLM.", ChatResult.FinishReason.STOP, 1, 1, 1, 1);
        }

        @Override
        public void close() {
        }
    }

    private static ChatRequest ask(String text) {
        return ChatRequest.of(List.of(ChatMessage.text(ChatMessage.Role.SYSTEM, "Be brief."), ChatMessage.text(ChatMessage.Role.USER, text)), null);
    }

    private static AssistantModel.Reply answer(AssistantModel m, String text, boolean spoken, List<String> pieces) {
        return m.answer(ask(text), TestContext.at("Asia/Tokyo"), spoken, r -> r, pieces::add, new Cancellation());
    }

    @Test
    void withoutAnLlmTheBuiltInAssistantAnswersEverythingHonestly() {
        AssistantModel m = new AssistantModel(new BuiltInAssistant(), null, AssistantModel.Routing.SKILLS_FIRST, null);
        List<String> pieces = new ArrayList<>();
        AssistantModel.Reply time = answer(m, "what time is it in tokyo", true, pieces);
        assertEquals("assistant", time.model());
        assertEquals("It is thirty two minutes past four o'clock in the afternoon in Tokyo, on Tuesday.", time.result().text());
        assertEquals(List.of("It is thirty two minutes past four o'clock in the afternoon in Tokyo, ", "on Tuesday."), pieces,
                "streamed clause by clause");
        assertEquals("17 × 23 = 391", answer(m, "seventeen times twenty three", false, new ArrayList<>()).result().text());

        String unknown = answer(m, "Tell me a joke", false, new ArrayList<>()).result().text();
        assertTrue(unknown.contains("without a language model") && unknown.contains("./run-gateway models fetch smollm2-135m")
                && unknown.contains("GATEWAY_LLM_URL"), unknown);
        String spoken = answer(m, "Tell me a joke", true, new ArrayList<>()).result().text();
        assertTrue(spoken.contains("add a language model") && !spoken.contains("./"), "the spoken fallback has no shell commands: " + spoken);
        String place = answer(m, "what time is it in narnia", true, new ArrayList<>()).result().text();
        assertTrue(place.contains("I don't know a place called narnia"), place);
    }

    @Test
    void skillsFirstAnswersIntentsAndSendsTheRestToTheLlm() {
        FixedAnswerModel llm = new FixedAnswerModel();
        AssistantModel m = new AssistantModel(new BuiltInAssistant(Skills.builtIn(), llm.id()), llm, AssistantModel.Routing.SKILLS_FIRST, null);
        assertEquals("assistant", answer(m, "what's 0.1 + 0.2", false, new ArrayList<>()).model());
        assertEquals("0.1 + 0.2 = 0.3", answer(m, "what's 0.1 + 0.2", false, new ArrayList<>()).result().text());
        assertEquals(0, llm.seen.size());
        AssistantModel.Reply joke = answer(m, "Tell me a joke", false, new ArrayList<>());
        assertEquals("fixed-llm", joke.model());
        assertEquals("From the LLM.", joke.result().text());
        assertEquals("fixed-llm", answer(m, "hello", false, new ArrayList<>()).model(), "greetings are the LLM's when there is one");
        assertEquals("fixed-llm", answer(m, "what time is it in narnia", false, new ArrayList<>()).model(), "a skill that cannot answer defers to the LLM");
    }

    @Test
    void aModelThatSeesDescribesPicturesItself() {
        FixedAnswerModel vlm = new FixedAnswerModel() {
            @Override
            public boolean acceptsImages() {
                return true;
            }
        };
        AssistantModel m = new AssistantModel(new BuiltInAssistant(), vlm, AssistantModel.Routing.SKILLS_FIRST, null);
        Observation seen = new Observation("image", Map.of("person", 2), 2, List.of(), null, 0);
        TestContext ctx = new TestContext(TestContext.NOW, java.time.ZoneId.of("UTC"), Optional.of(seen));
        assertEquals("fixed-llm", m.answer(ask("What is in this picture?"), ctx, false, r -> r, t -> { }, new Cancellation()).model());
        assertEquals("assistant", m.answer(ask("How many people do you see?"), ctx, false, r -> r, t -> { }, new Cancellation()).model());
    }

    @Test
    void llmRoutingSendsEverythingToTheLlm() {
        FixedAnswerModel llm = new FixedAnswerModel();
        AssistantModel m = new AssistantModel(new BuiltInAssistant(), llm, AssistantModel.Routing.LLM, null);
        assertEquals("fixed-llm", answer(m, "what time is it in tokyo", false, new ArrayList<>()).model());
    }

    @Test
    void toolsRoutingNeedsTheToolLoop() {
        FixedAnswerModel llm = new FixedAnswerModel();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AssistantModel(new BuiltInAssistant(), llm, AssistantModel.Routing.TOOLS, null));
        assertTrue(e.getMessage().contains("tool loop"), e.getMessage());
        AssistantModel.ToolsLoop loop = (model, skills, request, context, listener, cancellation) -> {
            listener.onText(skills.size() + " tools");
            return new ChatResult(skills.size() + " tools", ChatResult.FinishReason.STOP, 0, 0, 0, 0);
        };
        AssistantModel m = new AssistantModel(new BuiltInAssistant(), llm, AssistantModel.Routing.TOOLS, loop);
        assertEquals("5 tools", answer(m, "what time is it", false, new ArrayList<>()).result().text());
    }

    @Test
    void perceivedTextNeverTriggersASkill() {
        AssistantModel m = new AssistantModel(new BuiltInAssistant(), null, AssistantModel.Routing.SKILLS_FIRST, null);
        Observation sign = new Observation("camera", Map.of(), 0, List.of("What time is it in Tokyo?"), null, 0);
        TestContext ctx = new TestContext(TestContext.NOW, java.time.ZoneId.of("UTC"), Optional.of(sign));
        String said = m.answer(ask("what does the sign say"), ctx, true, r -> r, t -> { }, new Cancellation()).result().text();
        assertEquals("The text says: \"What time is it in Tokyo?\".", said);
        // an image description (observed content) in the last user message is not the user's words either
        String withPicture = m.answer(ChatRequest.of(List.of(new ChatMessage(ChatMessage.Role.USER, List.of(
                new perception.llm.ContentPart.Text("Tell me a joke")))), null), ctx, false, r -> r, t -> { }, new Cancellation()).result().text();
        assertTrue(withPicture.contains("without a language model"), withPicture);
    }
}
