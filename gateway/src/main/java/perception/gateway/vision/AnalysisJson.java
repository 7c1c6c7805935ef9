package perception.gateway.vision;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import perception.vision.Analysis;
import perception.vision.Box;
import perception.vision.DetectedObject;
import perception.vision.Face;
import perception.vision.NamedColour;
import perception.vision.Point;
import perception.vision.TextLine;
import perception.vision.VideoTimeline;

/** JSON shapes of the vision answers (boxes as {x, y, width, height} in the original pixels). */
final class AnalysisJson {
    private AnalysisJson() {
    }

    static JsonObject analysis(Analysis a) {
        JsonObject o = new JsonObject().put("width", a.width()).put("height", a.height());
        if (a.objects() != null) {
            JsonArray arr = new JsonArray();
            for (DetectedObject d : a.objects()) arr.add(new JsonObject().put("label", d.label()).put("score", round(d.score())).put("box", box(d.box())));
            o.put("objects", arr);
        }
        if (a.faces() != null) {
            JsonArray arr = new JsonArray();
            for (Face f : a.faces()) {
                JsonArray kp = new JsonArray();
                for (Point p : f.keypoints()) kp.add(new JsonObject().put("x", round1(p.x())).put("y", round1(p.y())));
                arr.add(new JsonObject().put("score", round(f.score())).put("box", box(f.box())).put("keypoints", kp));
            }
            o.put("faces", arr);
        }
        if (a.text() != null) {
            JsonArray arr = new JsonArray();
            for (TextLine t : a.text()) arr.add(new JsonObject().put("text", t.text()).put("confidence", round(t.confidence())).put("box", box(t.box())));
            o.put("text", arr);
        }
        if (a.scene() != null) {
            JsonArray colours = new JsonArray();
            for (NamedColour c : a.scene().colours()) colours.add(new JsonObject().put("name", c.name()).put("hex", c.hex()).put("share", round(c.share())));
            o.put("scene", new JsonObject().put("width", a.scene().width()).put("height", a.scene().height())
                    .put("brightness", round(a.scene().brightness())).put("sharpness", round1(a.scene().sharpness())).put("colours", colours));
        }
        JsonObject timings = new JsonObject();
        a.timingsMs().forEach(timings::put);
        o.put("timings_ms", timings);
        return o;
    }

    static JsonObject timeline(VideoTimeline t) {
        JsonArray frames = new JsonArray();
        for (VideoTimeline.Entry e : t.frames()) {
            JsonObject f = analysis(e.analysis()).put("index", e.index()).put("time_s", round(e.timeSeconds()))
                    .put("scene_changed", e.sceneChanged()).put("change_score", round(e.changeScore()));
            frames.add(f);
        }
        JsonArray changes = new JsonArray();
        t.sceneChanges().forEach(s -> changes.add(new JsonObject().put("type", "scene_changed").put("time_s", round(s))));
        return new JsonObject().put("duration_s", round(t.durationSeconds())).put("fps", t.fps()).put("frames", frames)
                .put("scene_changes", changes).put("summary", t.summary());
    }

    static JsonObject box(Box b) {
        return new JsonObject().put("x", round1(b.x())).put("y", round1(b.y())).put("width", round1(b.width())).put("height", round1(b.height()));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
