package perception.gateway.llm;

import io.vertx.core.eventbus.DeliveryOptions;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import perception.gateway.core.GatewayContext;
import perception.gateway.vision.AnalyzeImage;
import perception.gateway.vision.ImageResult;
import perception.gateway.vision.VisionFeature;
import perception.llm.ContentPart;
import perception.llm.fusion.ImageDescriber;
import perception.llm.skills.Observation;

/**
 * Adapts the vision sense to the llm module's {@link ImageDescriber}: asks {@link VisionFeature#ANALYZE} for
 * the analysis description of an image. Called from the llm worker pool, so it may block. One per
 * generate request: it keeps each image's analysis, so the prompt's description and the skills'
 * {@link #observe observation} of the same picture cost one analysis.
 */
final class VisionDescriber implements ImageDescriber {
    private final GatewayContext context;
    private final Map<byte[], ImageResult> analysed = Collections.synchronizedMap(new IdentityHashMap<>());

    VisionDescriber(GatewayContext context) {
        this.context = context;
    }

    /** What the vision analysis of a picture found, for the look and read skills; empty if it could not be analysed. */
    Optional<Observation> observe(ContentPart.Image image) {
        try {
            ImageResult r = analyze(image.bytes());
            return r.analysis() == null ? Optional.empty() : Optional.of(Observations.of(r.analysis(), "image", 0));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private ImageResult analyze(byte[] image) throws java.util.concurrent.ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        ImageResult known = analysed.get(image);
        if (known != null) return known;
        ImageResult r = perception.gateway.core.Workers.<ImageResult>request(context.vertx(), VisionFeature.ANALYZE,
                        new AnalyzeImage(image, context.config().analyzers(), null, true), new DeliveryOptions().setSendTimeout(60_000)
                                .addHeader(perception.gateway.core.WorkClass.HEADER, "interactive"), true) // someone waits for this answer
                .toCompletionStage().toCompletableFuture().get(65, TimeUnit.SECONDS).body();
        analysed.put(image, r);
        return r;
    }

    @Override
    public String describe(byte[] image, String mimeType) {
        try {
            ImageResult r = analyze(image);
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
