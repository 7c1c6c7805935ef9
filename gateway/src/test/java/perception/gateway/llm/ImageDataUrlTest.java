package perception.gateway.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import perception.llm.ContentPart;

/**
 * An image data URL is decoded once, by the route: its bytes cross the event bus as bytes and the
 * LLM side takes them without decoding the base64 again (realtime's base64 items still decode).
 */
class ImageDataUrlTest {
    static final byte[] IMAGE = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, '?', '>', '/', '+'};

    static JsonObject request() {
        String url = "data:image/png;base64," + Base64.getEncoder().encodeToString(IMAGE);
        return new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
                .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", url)))
                .add(new JsonObject().put("type", "text").put("text", "What is this?")))));
    }

    static JsonObject firstPart(JsonObject bus) {
        return bus.getJsonArray("messages").getJsonObject(0).getJsonArray("parts").getJsonObject(0);
    }

    @Test
    void theRouteDecodesAndTheLlmSideTakesTheBytes() {
        JsonObject bus = ChatCompletionRequest.parse(request()).bus;
        Object carried = firstPart(bus).getMap().get("image");
        assertArrayEquals(IMAGE, (byte[]) carried, "the bus carries the decoded bytes, not base64");
        ContentPart.Image image = (ContentPart.Image) BusChat.toRequest(bus).messages().get(0).parts().get(0);
        assertSame(carried, image.bytes(), "taken as they are: no second decode");
        assertEquals("image/png", image.mimeType());
    }

    @Test
    void theBytesSurviveTheLocalEventBus() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            vertx.eventBus().<JsonObject>consumer("image.test", m -> m.reply(m.body()));
            JsonObject back = vertx.eventBus().<JsonObject>request("image.test", ChatCompletionRequest.parse(request()).bus)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
            assertArrayEquals(IMAGE, BusChat.imageBytes(firstPart(back)));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBase64PartStillDecodes() {
        JsonObject part = new JsonObject().put("image", Base64.getEncoder().encodeToString(IMAGE)).put("mime", "image/png");
        assertArrayEquals(IMAGE, BusChat.imageBytes(part));
    }
}
