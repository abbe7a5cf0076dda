package dev.likeness.worldmodels.quality;

import dev.likeness.world.dataset.Split;
import dev.likeness.world.subject.Subject;

import java.util.List;
import java.util.Locale;

/**
 * The measured bars as a Markdown table (what docs/world.md and the README show). Parts that were not measured are
 * left out.
 *
 * @param fidelity bar 2, or {@code null}
 * @param prior    bar 3, or {@code null}
 * @param fit      the training-prompt diagnostic ({@link WorldQuality#trainingPromptFit}), or {@code null}
 */
public record QualityReport(Sampling sampling, Subject subject, List<CaptionScore> captions, SubjectFidelity fidelity,
                            PriorPreservation prior, SubjectFidelity fit) {

    public QualityReport {
        captions = List.copyOf(captions);
    }

    public String markdown() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Sampling: DDIM %d steps, guidance %s, %d×%d; judges: world CLIP "
                        + "zero-shot (JOINT prompting), CLIP-I/CLIP-T with world CLIP, DINO/PRES/DIV with world DINO.%n",
                sampling.steps(), trim(sampling.guidance()), sampling.size(), sampling.size()));
        if (!captions.isEmpty()) {
            s.append(String.format(Locale.ROOT, "%n**1. The base model follows its captions** (bar: class ≥ %.0f %%"
                            + " and colour ≥ %.0f %% on renders of held-out captions)%n%n",
                    100 * QualityBars.CLASS_ACCURACY, 100 * QualityBars.COLOUR_ACCURACY));
            s.append("| images | captions of split | n | class | colour | pattern | bar |\n");
            s.append("|---|---|---:|---:|---:|---:|---|\n");
            for (CaptionScore c : captions) {
                String bar = c.rendered() && c.split() == Split.HELD_OUT
                        ? (QualityBars.captionsMet(c) ? "met" : "**not met**") : "";
                s.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f %% | %.1f %% | %.1f %% | %s |%n",
                        c.rendered() ? c.source() : c.source() + " (classifier ceiling)", splitName(c.split()),
                        c.accuracy().images(), 100 * c.accuracy().classAccuracy(),
                        100 * c.accuracy().colourAccuracy(), 100 * c.accuracy().patternAccuracy(), bar));
            }
        }
        if (fidelity != null) {
            TuningRecipe r = fidelity.recipe();
            s.append(String.format(Locale.ROOT, "%n**2. Personalization works** (%s%s, %d steps at lr %s on the 5 "
                            + "`%s` photos%s, %.0f s; %d renders each of 8 prompts × %d seeds; bar: CLIP-I and DINO "
                            + "margin ≥ %s, CLIP-T change ≥ −%s) — **%s**%n%n", r.method(), trainedParts(r), r.steps(),
                    trim(r.learningRate()),
                    subject.id(), photoPrompts(r), fidelity.trainSeconds(), fidelity.base().images(),
                    WorldQuality.SEEDS_PER_PROMPT,
                    trim(QualityBars.CLIP_I_MARGIN), trim(QualityBars.CLIP_T_DROP),
                    QualityBars.personalizationMet(fidelity) ? "met" : "not met"));
            scoreTable(s, fidelity, "base model, \"a " + subject.classNoun() + " …\"",
                    r.method() + ", \"a " + WorldQuality.IDENTIFIER + " " + subject.classNoun() + " …\"", "margin");
            s.append("\nCLIP-T without the position: the same renders against their prompts without the position "
                    + "clause (a diagnostic, not part of the bar); near 0 there while CLIP-T falls, the subject keeps "
                    + "the scene but not its place in it.\n");
        }
        if (prior != null) {
            TuningRecipe r = prior.recipe();
            s.append(String.format(Locale.ROOT, "%n**3. Prior preservation works** (%s%s, %d steps at lr %s, %d class "
                            + "images of \"%s\" from the base model, prior weight λ = %s; PRES = DINO of \"a %s …\" "
                            + "renders to the photos, lower = less leakage; bar: with prior ≤ base + %s, without prior "
                            + "≥ with prior + %s, both runs' DINO of \"a %s %s …\" ≥ base + %s) — **%s**%n%n",
                    r.method(), trainedParts(r), r.steps(), trim(r.learningRate()), prior.classImages(),
                    subject.classPrompt(),
                    trim(r.priorWeight()), subject.classNoun(), trim(QualityBars.PRES_WITH_PRIOR),
                    trim(QualityBars.PRES_LEAKAGE), WorldQuality.IDENTIFIER, subject.classNoun(),
                    trim(QualityBars.DINO_MARGIN), QualityBars.priorPreservationMet(prior) ? "met" : "not met"));
            s.append("| model | PRES | PRES − base | DIV | DINO of \"a " + WorldQuality.IDENTIFIER + " "
                    + subject.classNoun() + " …\" | training |\n|---|---:|---:|---:|---:|---:|\n");
            prior(s, "base model", prior.base(), prior.base());
            prior(s, r.method() + " with prior preservation", prior.withPrior(), prior.base());
            prior(s, r.method() + " without prior preservation", prior.withoutPrior(), prior.base());
        }
        if (fit != null) {
            TuningRecipe r = fit.recipe();
            s.append(String.format(Locale.ROOT, "%n**Diagnostic: the training prompt** (%s%s, %d steps at lr %s on the "
                            + "5 `%s` photos%s, no prior preservation, %.0f s; %d renders each; did the tuning learn "
                            + "the subject at all?)%n%n", r.method(), trainedParts(r), r.steps(), trim(r.learningRate()),
                    subject.id(), photoPrompts(r),
                    fit.trainSeconds(), fit.base().images()));
            scoreTable(s, fit, "base model, \"" + subject.classPrompt() + "\"", r.method() + ", its training prompt",
                    "change");
        }
        return s.toString();
    }

    // what a run trains besides the UNet (and the text encoder's own rate); empty for a frozen text encoder
    private static String trainedParts(TuningRecipe r) {
        if (!r.trainTextEncoder()) {
            return "";
        }
        return r.textEncoderLearningRate() == null ? " with the text encoder"
                : " with the text encoder at lr " + trim(r.textEncoderLearningRate());
    }

    // what the photos train on when it is not the one instance prompt
    private static String photoPrompts(TuningRecipe r) {
        return r.photoCaptions() ? ", each on its own caption" : "";
    }

    // base and tuned scores, one row each, and a row of tuned minus base named differenceName
    private static void scoreTable(StringBuilder s, SubjectFidelity f, String baseName, String tunedName,
                                   String differenceName) {
        s.append("| renders | CLIP-I | DINO | CLIP-T | DIV | CLIP-T without the position |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        row(s, baseName, f.base());
        row(s, tunedName, f.tuned());
        s.append(String.format(Locale.ROOT, "| %s | %+.3f | %+.3f | %+.3f | %+.3f | %+.3f |%n", differenceName,
                f.clipIMargin(), f.dinoMargin(), f.clipTChange(), f.tuned().div() - f.base().div(),
                f.clipTWithoutPositionChange()));
    }

    private static void row(StringBuilder s, String name, SubjectScores v) {
        s.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f |%n", name, v.clipI(), v.dino(),
                v.clipT(), v.div(), v.clipTWithoutPosition()));
    }

    private static void prior(StringBuilder s, String name, PriorPreservation.Run v, PriorPreservation.Run base) {
        s.append(String.format(Locale.ROOT, "| %s | %.3f | %+.3f | %.3f | %s | %s |%n", name, v.pres(),
                v.pres() - base.pres(), v.div(), Double.isNaN(v.subjectDino()) ? "—"
                        : String.format(Locale.ROOT, "%.3f", v.subjectDino()),
                v.trainSeconds() > 0 ? String.format(Locale.ROOT, "%.0f s", v.trainSeconds()) : "—"));
    }

    private static String splitName(Split split) {
        return split == Split.HELD_OUT ? "held-out" : split.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String trim(double v) {
        String t = String.format(Locale.ROOT, "%.6g", v);
        if (t.contains("e")) {
            return t.replaceAll("\\.?0+e", "e").replace("e-0", "e-").replace("e+0", "e");
        }
        return t.contains(".") ? t.replaceAll("0+$", "").replaceAll("\\.$", "") : t;
    }
}
