package perception.gateway.speech;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import perception.gateway.core.ApiError;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.ModelCatalog;

/**
 * Which voice speaks: the Piper voices of the catalog that loaded, and FreeTTS kevin16. OpenAI's
 * voice names (alloy, nova, ...) and requests that name none get the default voice (tts_voice, or
 * kevin16 when that did not load); a Piper voice id or kevin16 gets itself. Resolved by the caller
 * (routes) from the node's model registry, so the speech verticle is told a concrete voice.
 */
public final class Voices {
    /** FreeTTS's voice name. */
    public static final String KEVIN16 = "kevin16";
    /** OpenAI's /v1/audio/speech and realtime voice names: each speaks with the default voice. */
    public static final List<String> OPENAI = List.of("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse", "marin", "cedar");

    private Voices() {
    }

    /** The Piper voices of the catalog (loaded or not), in catalog order. */
    public static List<ModelCatalog.Model> piperCatalog() {
        return ModelCatalog.bundled().models().stream().filter(m -> m.loader().equals(SpeechVerticle.PIPER)).toList();
    }

    /** The voices that can speak now: the loaded Piper voices, then kevin16 if FreeTTS loaded. */
    public static List<String> installed(GatewayContext context) {
        List<String> out = new ArrayList<>();
        for (ModelCatalog.Model m : piperCatalog()) if (context.models().isLoaded(m.id())) out.add(m.id());
        if (context.models().isLoaded(ModelCatalog.bundled().forLoader(SpeechVerticle.FREETTS).id())) out.add(KEVIN16);
        return out;
    }

    /** The default voice: tts_voice when it is installed, else the first installed voice, else kevin16. */
    public static String defaultVoice(GatewayContext context) {
        List<String> installed = installed(context);
        String wanted = context.config().ttsVoice();
        if (installed.contains(wanted)) return wanted;
        if (installed.contains(KEVIN16)) return KEVIN16; // the fallback, as the start-up line said
        return installed.isEmpty() ? KEVIN16 : installed.get(0);
    }

    /**
     * The voice a request's {@code voice} names (null: the default); a 400 naming the voices for one
     * that is not installed. On a node without the speech sense (clustered: speech on a worker) this
     * node cannot know the worker's voices: the default is left to the worker (null) and a name is
     * passed on as asked (the worker refuses one it lacks).
     */
    public static String resolve(GatewayContext context, String requested, String param) {
        List<String> installed = installed(context);
        boolean openAi = requested == null || requested.isBlank() || OPENAI.contains(requested.toLowerCase(Locale.ROOT));
        if (installed.isEmpty()) return openAi ? null : requested;
        if (openAi) return defaultVoice(context);
        for (String v : installed) if (v.equalsIgnoreCase(requested)) return v;
        throw new ApiError(400, "invalid_request_error", "unknown_voice", "voice '" + requested + "' is not available: use one of "
                + String.join(", ", OPENAI) + " (the default voice, " + defaultVoice(context) + ") or an installed voice: " + String.join(", ", installed), param);
    }

    /** A voice's own sample rate: Piper's low and x_low voices are 16 kHz, medium and high 22.05 kHz; kevin16 16 kHz. */
    public static int rate(String voice) {
        if (voice == null) return 22050; // the worker's default voice: the synthesiser makes whatever rate is asked
        if (voice.equals(KEVIN16) || voice.endsWith("-low") || voice.endsWith("-x_low")) return 16000;
        return 22050;
    }
}
