package perception.llm.remote;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how to reach an OpenAI-compatible server. {@code vision}: the server's model takes
 * image_url parts (otherwise images must be described in text before they get here).
 */
public record RemoteConfig(URI baseUrl, String apiKey, String model, boolean vision, Duration connectTimeout,
                           Duration firstTokenTimeout, Duration idleTimeout, int maxRetries, Duration maxRetryWait) {

    public static RemoteConfig of(String baseUrl, String apiKey, String model) {
        String url = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return new RemoteConfig(URI.create(url), apiKey, model, false, Duration.ofSeconds(5), Duration.ofSeconds(120),
                Duration.ofSeconds(60), 2, Duration.ofSeconds(30));
    }

    public RemoteConfig withVision(boolean v) {
        return new RemoteConfig(baseUrl, apiKey, model, v, connectTimeout, firstTokenTimeout, idleTimeout, maxRetries, maxRetryWait);
    }

    public RemoteConfig withTimeouts(Duration connect, Duration firstToken, Duration idle) {
        return new RemoteConfig(baseUrl, apiKey, model, vision, connect, firstToken, idle, maxRetries, maxRetryWait);
    }

    public RemoteConfig withRetries(int max, Duration maxWait) {
        return new RemoteConfig(baseUrl, apiKey, model, vision, connectTimeout, firstTokenTimeout, idleTimeout, max, maxWait);
    }
}
