package perception.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import perception.gateway.core.GatewayConfig;

/**
 * TLS built in: https with HTTP/2 for a client that asks for it, and wss (as the OpenAI realtime SDKs
 * connect), with the self-signed test certificate in src/test/resources/tls (see its README).
 */
class TlsTest {
    private static Path resource(String name) throws Exception {
        return Path.of(TlsTest.class.getResource("/tls/" + name).toURI());
    }

    /** A client that trusts only the test certificate. */
    private static HttpClient client() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = TlsTest.class.getResourceAsStream("/tls/cert.pem")) {
            trust.setCertificateEntry("gateway", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_2).build();
    }

    @Test
    void httpsWithHttp2AndWssWork() throws Exception {
        GatewayConfig config = GatewayConfig.defaults().with("port", "0", "speech", "false", "analyzers", "", "llm_backend", "none",
                "tls_cert", resource("cert.pem").toString(), "tls_key", resource("key.pem").toString(), "api_keys", "secret");
        Gateway g = Gateway.start(config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        try {
            HttpClient http = client();
            var health = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + g.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, health.version(), "ALPN gives HTTP/2 to a client that asks");
            var models = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + g.port() + "/v1/models"))
                    .header("Authorization", "Bearer secret").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, models.statusCode(), models.body());

            CompletableFuture<String> first = new CompletableFuture<>();
            WebSocket ws = http.newWebSocketBuilder().header("Authorization", "Bearer secret")
                    .buildAsync(URI.create("wss://localhost:" + g.port() + "/v1/realtime"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            first.complete(data.toString());
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            assertEquals("session.created", new JsonObject(first.get(10, TimeUnit.SECONDS)).getString("type"));
            ws.abort();

            var plain = HttpClient.newHttpClient();
            boolean refused;
            try {
                refused = plain.send(HttpRequest.newBuilder(URI.create("http://localhost:" + g.port() + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() != 200;
            } catch (java.io.IOException e) {
                refused = true;
            }
            assertTrue(refused, "plain HTTP is not served on the TLS port");
        } finally {
            g.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
