package dev.likeness.metrics.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.metrics.encoder.EncoderInfo;
import dev.likeness.metrics.metric.Metric;
import dev.likeness.metrics.metric.PromptScores;
import dev.likeness.metrics.metric.Summary;
import dev.likeness.metrics.protocol.EvaluationProtocol;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report as JSON ({@code report.json}). Metric keys are the paper's labels; an empty summary is written with
 * {@code null} mean/std and count 0, never NaN.
 */
public final class ReportJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {
    }

    public static String toJson(EvaluationReport r, List<ReportImages.Entry> images) {
        ObjectNode root = JSON.createObjectNode();
        root.put("jobId", r.jobId());
        root.put("createdAt", r.createdAt().toString());
        root.put("encodersUntrained", r.encodersUntrained());
        if (r.encodersUntrained()) {
            root.put("warning", "At least one encoder has random (untrained) weights: these numbers only check the "
                    + "pipeline and say nothing about quality.");
        }
        EvaluationProtocol p = r.protocol();
        ObjectNode proto = root.putObject("protocol");
        proto.put("identifier", p.identifier());
        proto.put("classNoun", p.classNoun());
        proto.put("subjectKind", p.kind().name());
        proto.put("prompts", p.templates().size());
        proto.put("imagesPerPrompt", p.imagesPerPrompt());
        proto.put("baseSeed", p.baseSeed());
        ArrayNode enc = root.putArray("encoders");
        for (EncoderInfo e : r.encoders()) {
            ObjectNode n = enc.addObject();
            n.put("kind", e.kind());
            n.put("source", e.source());
            n.put("dim", e.dim());
            n.put("preprocessing", e.preprocessing());
            n.put("untrained", e.untrained());
        }
        ObjectNode counts = root.putObject("counts");
        counts.put("realImages", r.result().realImages());
        counts.put("generatedImages", r.result().generatedImages());
        counts.put("classImages", r.result().classImages());
        root.put("diversityMethod", r.result().diversityMethod());
        metrics(root.putObject("overall"), r.result().overall());
        ArrayNode per = root.putArray("perPrompt");
        for (PromptScores s : r.result().perPrompt()) {
            ObjectNode n = per.addObject();
            n.put("index", s.promptIndex());
            n.put("prompt", s.prompt());
            n.put("classPrompt", s.classPrompt());
            metrics(n.putObject("metrics"), s.metrics());
        }
        ArrayNode loss = root.putArray("lossCurve");
        for (LossPoint l : r.lossCurve()) {
            loss.addObject().put("step", l.step()).put("loss", l.loss());
        }
        ObjectNode t = root.putObject("timingsSeconds");
        new TreeMap<>(r.timingsSeconds()).forEach(t::put);
        ArrayNode img = root.putArray("images");
        for (ReportImages.Entry e : images) {
            ObjectNode n = img.addObject();
            n.put("path", e.path());
            n.put("role", e.role());
            if (e.promptIndex() >= 0) {
                n.put("promptIndex", e.promptIndex());
                n.put("seed", e.seed());
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the report", e);
        }
    }

    private static void metrics(ObjectNode into, Map<Metric, Summary> metrics) {
        metrics.forEach((m, s) -> {
            ObjectNode n = into.putObject(m.label());
            if (s.isEmpty()) {
                n.putNull("mean");
                n.putNull("std");
            } else {
                n.put("mean", s.mean());
                n.put("std", s.std());
            }
            n.put("count", s.count());
            n.put("higherIsBetter", m.higherIsBetter());
        });
    }
}
