package dev.likeness.metrics.report;

import dev.likeness.metrics.encoder.EncoderInfo;
import dev.likeness.metrics.metric.Metric;
import dev.likeness.metrics.metric.PromptScores;
import dev.likeness.metrics.metric.Summary;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one HTML page with inline CSS and an inline SVG loss chart; images are linked from {@code images/}
 * in the same folder. No scripts, no external resources.
 */
public final class HtmlReport {

    private static final String CSS = """
            body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
            h1{font-size:22px}h2{font-size:18px;margin-top:28px}
            table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
            th{background:#f3f3f3}td.l,th.l{text-align:left}
            .warn{background:#fff3cd;border:1px solid #e0b400;padding:10px 14px;margin:12px 0;font-weight:600}
            .grid{display:flex;flex-wrap:wrap;gap:6px;align-items:flex-start}
            .grid img{width:128px;height:128px;object-fit:cover;border:1px solid #ddd}
            .prompt{margin:14px 0;padding-top:8px;border-top:1px solid #eee}.small{font-size:12px;color:#555}
            .real img{border-color:#2b8a3e}
            """;

    private HtmlReport() {
    }

    public static String render(EvaluationReport r, List<ReportImages.Entry> images) {
        StringBuilder sb = new StringBuilder(8192);
        sb.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Evaluation ")
                .append(esc(r.jobId())).append("</title><style>").append(CSS).append("</style></head><body>");
        sb.append("<h1>Evaluation report: ").append(esc(r.jobId())).append("</h1>");
        sb.append("<p class=\"small\">Subject <b>").append(esc(r.protocol().identifier())).append(' ')
                .append(esc(r.protocol().classNoun())).append("</b> (").append(r.protocol().kind().name().toLowerCase(
                        Locale.ROOT)).append("), ").append(r.protocol().templates().size()).append(" prompts × ")
                .append(r.protocol().imagesPerPrompt()).append(" images, seeds from ").append(r.protocol().baseSeed())
                .append(". Created ").append(esc(r.createdAt().toString())).append(".</p>");
        if (r.encodersUntrained()) {
            sb.append("<div class=\"warn\">The CLIP/DINO encoders used here have random (untrained) weights. "
                    + "These numbers only show that the pipeline runs; they say nothing about image quality.</div>");
        }
        sb.append("<h2>Metrics</h2><table><tr><th class=\"l\">metric</th><th>mean</th><th>std</th><th>n</th>"
                + "<th class=\"l\">better</th></tr>");
        for (Map.Entry<Metric, Summary> e : r.result().overall().entrySet()) {
            Summary s = e.getValue();
            sb.append("<tr><td class=\"l\">").append(e.getKey().label()).append("</td><td>").append(num(s.mean()))
                    .append("</td><td>").append(num(s.std())).append("</td><td>").append(s.count())
                    .append("</td><td class=\"l\">").append(e.getKey().higherIsBetter() ? "higher" : "lower")
                    .append("</td></tr>");
        }
        sb.append("</table><p class=\"small\">DIV: ").append(esc(r.result().diversityMethod()))
                .append(". Real images: ").append(r.result().realImages()).append(", generated: ")
                .append(r.result().generatedImages()).append(", class images (PRES): ")
                .append(r.result().classImages()).append(".</p>");

        sb.append("<h2>Encoders</h2><table><tr><th class=\"l\">kind</th><th class=\"l\">source</th><th>dim</th>"
                + "<th class=\"l\">preprocessing</th><th class=\"l\">untrained</th></tr>");
        for (EncoderInfo e : r.encoders()) {
            sb.append("<tr><td class=\"l\">").append(esc(e.kind())).append("</td><td class=\"l\">")
                    .append(esc(e.source())).append("</td><td>").append(e.dim()).append("</td><td class=\"l\">")
                    .append(esc(e.preprocessing())).append("</td><td class=\"l\">").append(e.untrained() ? "yes" : "no")
                    .append("</td></tr>");
        }
        sb.append("</table>");

        sb.append("<h2>Training loss</h2>").append(LossCurveSvg.render(r.lossCurve(), 720, 260));

        sb.append("<h2>Per prompt</h2><table><tr><th>#</th><th class=\"l\">prompt</th>");
        for (Metric m : List.of(Metric.DINO, Metric.CLIP_I, Metric.CLIP_T, Metric.DIV)) {
            sb.append("<th>").append(m.label()).append("</th>");
        }
        sb.append("</tr>");
        for (PromptScores p : r.result().perPrompt()) {
            sb.append("<tr><td>").append(p.promptIndex()).append("</td><td class=\"l\">").append(esc(p.prompt()))
                    .append("</td>");
            for (Metric m : List.of(Metric.DINO, Metric.CLIP_I, Metric.CLIP_T, Metric.DIV)) {
                Summary s = p.metrics().get(m);
                sb.append("<td>").append(s == null ? "" : num(s.mean()) + " ± " + num(s.std())).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</table>");

        sb.append("<h2>Images</h2>");
        String realStrip = images.stream().filter(e -> e.role().equals("real"))
                .map(e -> img(e, "real")).reduce("", String::concat);
        for (PromptScores p : r.result().perPrompt()) {
            sb.append("<div class=\"prompt\"><div><b>").append(p.promptIndex()).append(".</b> ")
                    .append(esc(p.prompt())).append("</div><div class=\"grid\">");
            for (ReportImages.Entry e : images) {
                if (e.role().equals("generated") && e.promptIndex() == p.promptIndex()) {
                    sb.append(img(e, "seed " + e.seed()));
                }
            }
            sb.append("<span class=\"real grid\">").append(realStrip).append("</span></div></div>");
        }
        String classStrip = images.stream().filter(e -> e.role().equals("class"))
                .map(e -> img(e, "class image")).reduce("", String::concat);
        if (!classStrip.isEmpty()) {
            sb.append("<h2>Class images (PRES)</h2><div class=\"grid\">").append(classStrip).append("</div>");
        }
        return sb.append("</body></html>").toString();
    }

    private static String img(ReportImages.Entry e, String title) {
        return "<img src=\"" + esc(e.path()) + "\" alt=\"" + esc(title) + "\" title=\"" + esc(title) + "\">";
    }

    static String num(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
