package perception.gateway.realtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Per-turn latency of realtime conversations, as Prometheus histograms
 * (perception_realtime_latency_seconds{stage=...}): from the end of the user's speech to the
 * final transcript, to the first LLM token, and to the first audio sent back.
 */
final class RealtimeMetrics {
    private final Timer transcript;
    private final Timer firstToken;
    private final Timer firstAudio;

    private RealtimeMetrics(MeterRegistry meters) {
        transcript = timer(meters, "transcript");
        firstToken = timer(meters, "first_token");
        firstAudio = timer(meters, "first_audio");
    }

    static RealtimeMetrics of(MeterRegistry meters) {
        return new RealtimeMetrics(meters);
    }

    private static Timer timer(MeterRegistry meters, String stage) {
        return Timer.builder("perception.realtime.latency").tag("stage", stage)
                .description("from speech_stopped to this stage of the turn")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(meters);
    }

    void transcript(long nanos) {
        transcript.record(nanos, TimeUnit.NANOSECONDS);
    }

    void firstToken(long nanos) {
        firstToken.record(nanos, TimeUnit.NANOSECONDS);
    }

    void firstAudio(long nanos) {
        firstAudio.record(nanos, TimeUnit.NANOSECONDS);
    }
}
