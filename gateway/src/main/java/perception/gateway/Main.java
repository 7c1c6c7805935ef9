package perception.gateway;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.GatewayConfig;
import perception.gateway.core.ModelRegistry;

/** Command-line entry: reads the configuration, starts the gateway, stops it gracefully on SIGTERM. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(help());
            return;
        }
        GatewayConfig config;
        try {
            config = GatewayConfig.load(args, System.getenv());
        } catch (GatewayConfig.ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.toLevel(config.logLevel()));
        log.info("configuration: {}", config.describe());
        long t0 = System.currentTimeMillis();
        // The hook is in place before the server listens: a SIGTERM right after /ready turns 200 still drains.
        java.util.concurrent.atomic.AtomicReference<Gateway> running = new java.util.concurrent.atomic.AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Gateway g = running.get();
            if (g == null) return; // stopped while starting: nothing is served yet
            log.info("shutting down: draining in-flight work (at most {} ms)", config.shutdownTimeoutMillis());
            try {
                g.stop().toCompletionStage().toCompletableFuture()
                        .get(config.shutdownTimeoutMillis() + 35_000, TimeUnit.MILLISECONDS);
                log.info("stopped");
            } catch (Exception e) {
                log.warn("shutdown did not finish cleanly: {}", e.toString());
            }
        }, "gateway-shutdown"));
        Gateway gateway;
        try {
            gateway = Gateway.start(config).toCompletionStage().toCompletableFuture().get();
            running.set(gateway); // before the models load, so before /ready can say 200
            gateway.loaded().toCompletionStage().toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            System.err.println("start-up failed: " + e.getCause().getMessage());
            System.exit(1);
            return;
        }
        String host = config.host().equals("0.0.0.0") ? "localhost" : config.host();
        System.out.printf("%nPerception Gateway is ready in %.1f s%n", (System.currentTimeMillis() - t0) / 1000.0);
        for (ModelRegistry.Entry e : gateway.context().models().entries()) {
            System.out.printf("  %-18s %-20s %6d ms  %s%n", e.id(), e.task(), e.loadMillis(), e.detail() == null ? "" : e.detail());
        }
        System.out.printf("Open %s://%s:%d in a browser; API list in README.md.%n%n", config.get("tls_cert") != null ? "https" : "http", host, gateway.port());
    }

    static String help() {
        StringBuilder b = new StringBuilder("usage: ./run-gateway [--setting value ...]\n       ./run-gateway models fetch [ID ...]\n\nsettings (flag / environment variable / default; a true/false setting's flag alone means true, e.g. --cluster):\n");
        for (GatewayConfig.Setting s : GatewayConfig.SETTINGS) {
            b.append(String.format("  %-24s %-30s %-12s %s%n", s.flag(), s.env(), s.defaultValue() == null ? "" : s.defaultValue(), s.description()));
        }
        return b.toString();
    }

}
