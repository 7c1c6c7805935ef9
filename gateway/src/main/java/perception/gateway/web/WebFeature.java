package perception.gateway.web;

import perception.gateway.core.Feature;
import perception.gateway.core.RouteModule;

/** The browser page at {@code /}: client side only. */
public final class WebFeature implements Feature {
    @Override
    public String name() {
        return "web";
    }

    @Override
    public RouteModule routes() {
        return WebRoutes::mount;
    }

    /** Last: its static handler takes every GET path the API routes did not. */
    @Override
    public int order() {
        return Integer.MAX_VALUE;
    }
}
