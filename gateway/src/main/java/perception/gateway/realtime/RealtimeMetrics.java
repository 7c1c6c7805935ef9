package perception.gateway.realtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Per-turn latency of realtime conversations, as Prometheus histograms
 * (perception_realtime_latency_seconds{stage=...}). Stages transcript, first_token, first_audio
 * start their clock at speech_stopped; stages speech_end_to_speech_stopped, _transcript,
 * _first_token, _first_audio start it at the end of speech (when the last voiced audio was
 * received), which is what the user waits for. Times are when the event was sent to the client.
 */
final class RealtimeMetrics {
    private final Timer transcript;
    private final Timer firstToken;
    private final Timer firstAudio;
    private final Timer endToStopped;
    private final Timer endToTranscript;
    private final Timer endToFirstToken;
    private final Timer endToFirstAudio;
    private final Timer judgedComplete;
    private final Timer judgedIncomplete;

    private RealtimeMetrics(MeterRegistry meters) {
        transcript = timer(meters, "transcript");
        firstToken = timer(meters, "first_token");
        firstAudio = timer(meters, "first_audio");
        endToStopped = timer(meters, "speech_end_to_speech_stopped");
        endToTranscript = timer(meters, "speech_end_to_transcript");
        endToFirstToken = timer(meters, "speech_end_to_first_token");
        endToFirstAudio = timer(meters, "speech_end_to_first_audio");
        judgedComplete = decision(meters, "complete");
        judgedIncomplete = decision(meters, "incomplete");
    }

    /** The turn model's decisions, by verdict, timed (features and model): what each pause costs in CPU. */
    private static Timer decision(MeterRegistry meters, String verdict) {
        return Timer.builder("perception.realtime.turn_model").tag("verdict", verdict)
                .description("Smart Turn decisions at the user's pauses and the CPU time each took")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(5))
                .register(meters);
    }

    void turnJudged(double costMs, boolean complete) {
        (complete ? judgedComplete : judgedIncomplete).record(Math.round(costMs * 1000), TimeUnit.MICROSECONDS);
    }

    static RealtimeMetrics of(MeterRegistry meters) {
        return new RealtimeMetrics(meters);
    }

    private static Timer timer(MeterRegistry meters, String stage) {
        return Timer.builder("perception.realtime.latency").tag("stage", stage)
                .description("from speech_stopped (stages speech_end_to_*: from the end of the user's speech) to this stage of the turn")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(meters);
    }

    void speechStopped(TurnTimes t) {
        since(endToStopped, t.speechEndNanos(), t.speechStoppedNanos());
    }

    void transcript(TurnTimes t) {
        since(transcript, t.speechStoppedNanos(), t.transcriptNanos());
        since(endToTranscript, t.speechEndNanos(), t.transcriptNanos());
    }

    void firstToken(TurnTimes t, long at) {
        since(firstToken, t.speechStoppedNanos(), at);
        since(endToFirstToken, t.speechEndNanos(), at);
    }

    void firstAudio(TurnTimes t, long at) {
        since(firstAudio, t.speechStoppedNanos(), at);
        since(endToFirstAudio, t.speechEndNanos(), at);
    }

    private static void since(Timer timer, long from, long to) {
        if (from > 0 && to > 0) timer.record(Math.max(0, to - from), TimeUnit.NANOSECONDS);
    }
}
