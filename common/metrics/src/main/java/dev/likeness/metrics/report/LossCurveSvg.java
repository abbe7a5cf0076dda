package dev.likeness.metrics.report;

import java.util.List;
import java.util.Locale;

/** The training loss as an inline SVG line chart (raw loss and an exponential moving average), no scripts. */
public final class LossCurveSvg {

    private static final int PAD_LEFT = 56;
    private static final int PAD_RIGHT = 16;
    private static final int PAD_TOP = 16;
    private static final int PAD_BOTTOM = 36;

    private LossCurveSvg() {
    }

    public static String render(List<LossPoint> points, int width, int height) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"training loss\">", width, height, width, height));
        if (points.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\" fill=\"#555\">"
                    + "no training loss recorded</text></svg>", PAD_LEFT, height / 2));
            return sb.toString();
        }
        long minStep = points.get(0).step();
        long maxStep = minStep;
        double minLoss = Double.POSITIVE_INFINITY;
        double maxLoss = Double.NEGATIVE_INFINITY;
        for (LossPoint p : points) {
            minStep = Math.min(minStep, p.step());
            maxStep = Math.max(maxStep, p.step());
            if (Double.isFinite(p.loss())) {
                minLoss = Math.min(minLoss, p.loss());
                maxLoss = Math.max(maxLoss, p.loss());
            }
        }
        if (!Double.isFinite(minLoss)) {
            minLoss = 0;
            maxLoss = 1;
        }
        if (maxLoss == minLoss) {
            maxLoss = minLoss + 1e-6;
        }
        double plotW = width - PAD_LEFT - PAD_RIGHT;
        double plotH = height - PAD_TOP - PAD_BOTTOM;
        double stepSpan = Math.max(1, maxStep - minStep);
        // axes
        sb.append(String.format(Locale.ROOT, "<g stroke=\"#888\" stroke-width=\"1\"><line x1=\"%d\" y1=\"%d\" "
                        + "x2=\"%d\" y2=\"%d\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/></g>", PAD_LEFT, PAD_TOP,
                PAD_LEFT, height - PAD_BOTTOM, PAD_LEFT, height - PAD_BOTTOM, width - PAD_RIGHT,
                height - PAD_BOTTOM));
        String label = "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#333\" text-anchor=\"%s\">%s</text>";
        sb.append(String.format(Locale.ROOT, label, PAD_LEFT - 4.0, PAD_TOP + 4.0, "end", fmt(maxLoss)));
        sb.append(String.format(Locale.ROOT, label, PAD_LEFT - 4.0, height - PAD_BOTTOM + 0.0, "end", fmt(minLoss)));
        sb.append(String.format(Locale.ROOT, label, (double) PAD_LEFT, height - PAD_BOTTOM + 16.0, "start",
                "step " + minStep));
        sb.append(String.format(Locale.ROOT, label, (double) width - PAD_RIGHT, height - PAD_BOTTOM + 16.0, "end",
                "step " + maxStep));
        StringBuilder raw = new StringBuilder();
        StringBuilder ema = new StringBuilder();
        double avg = Double.NaN;
        for (LossPoint p : points) {
            if (!Double.isFinite(p.loss())) {
                continue;
            }
            double x = PAD_LEFT + (p.step() - minStep) / stepSpan * plotW;
            double y = PAD_TOP + (maxLoss - p.loss()) / (maxLoss - minLoss) * plotH;
            raw.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            avg = Double.isNaN(avg) ? p.loss() : 0.9 * avg + 0.1 * p.loss();
            double ye = PAD_TOP + (maxLoss - avg) / (maxLoss - minLoss) * plotH;
            ema.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, ye));
        }
        sb.append("<polyline fill=\"none\" stroke=\"#9ecae1\" stroke-width=\"1\" points=\"")
                .append(raw.toString().strip()).append("\"/>");
        sb.append("<polyline fill=\"none\" stroke=\"#08519c\" stroke-width=\"2\" points=\"")
                .append(ema.toString().strip()).append("\"/>");
        sb.append(String.format(Locale.ROOT, label, width - PAD_RIGHT + 0.0, PAD_TOP + 10.0, "end",
                "loss (light) / EMA 0.9 (dark)"));
        return sb.append("</svg>").toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 0.01 || v == 0 ? "%.4f" : "%.3e", v);
    }
}
