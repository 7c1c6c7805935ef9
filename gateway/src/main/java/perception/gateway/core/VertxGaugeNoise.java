package perception.gateway.core;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Micrometer's "This Gauge has been already registered" for Vert.x's own gauges (issue #29:
 * every start logged it for {@code vertx.eventbus.pending, perception.generate}).
 *
 * <p>Vert.x's Micrometer event-bus metrics register the {@code vertx.eventbus.pending} gauge again for
 * every consumer and every message received, on purpose: the registration finds the gauge already
 * there and Vert.x takes the shared counter behind it from its own map, so the numbers are right.
 * Micrometer 1.13+ warns at each such registration of a gauge (once per process, then at debug).
 * Only meters named {@code vertx.*} are dropped; a gauge of ours registered twice is still logged.
 */
public final class VertxGaugeNoise extends TurboFilter {
    static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format != null && LOGGER.equals(logger.getName())
                && format.startsWith("This Gauge has been already registered (MeterId{name='vertx.")) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
