package perception.gateway.llm;

import io.vertx.core.eventbus.DeliveryOptions;
import java.util.concurrent.TimeUnit;
import perception.gateway.Bus;
import perception.gateway.GatewayContext;
import perception.gateway.vision.AnalyseImage;
import perception.gateway.vision.ImageResult;
import perception.llm.fusion.ImageDescriber;

/**
 * Adapts the vision sense to the llm module's {@link ImageDescriber}: asks {@link Bus#ANALYSE} for
 * the analysis description of an image. Called from the llm worker pool, so it may block.
 */
final class VisionDescriber implements ImageDescriber {
    private final GatewayContext context;

    VisionDescriber(GatewayContext context) {
        this.context = context;
    }

    @Override
    public String describe(byte[] image, String mimeType) {
        try {
            ImageResult r = context.vertx().eventBus().<ImageResult>request(Bus.ANALYSE,
                            new AnalyseImage(image, context.config().analyzers(), null, true), new DeliveryOptions().setSendTimeout(60_000))
                    .toCompletionStage().toCompletableFuture().get(65, TimeUnit.SECONDS).body();
            return r.description() == null || r.description().isBlank() ? "nothing recognised" : r.description();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof io.vertx.core.eventbus.ReplyException re && re.failureCode() >= 400 && re.failureCode() < 500) {
                throw new IllegalArgumentException("the image could not be analysed: " + re.getMessage());
            }
            return "image analysis unavailable (" + (c == null ? e : c).getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "image analysis interrupted";
        } catch (java.util.concurrent.TimeoutException e) {
            return "image analysis timed out";
        }
    }
}
