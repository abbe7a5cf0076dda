package dev.likeness.engine.scheduler;

/** σ-parameterisation of a β schedule (Karras et al. 2022): σ_t = √((1−ᾱ_t)/ᾱ_t), so x_t/√ᾱ_t = x₀ + σ_t·ε. */
final class Sigmas {

    private Sigmas() {
    }

    /** σ_t for every training timestep, in float32 as torch computes it. */
    static float[] ofSchedule(BetaSchedule schedule) {
        float[] ac = schedule.alphasCumprod();
        float[] s = new float[ac.length];
        for (int i = 0; i < ac.length; i++) {
            s[i] = (float) Math.sqrt((1f - ac[i]) / ac[i]);
        }
        return s;
    }

    /** numpy.interp of the table at (integer or fractional) timesteps, then a final σ appended. */
    static float[] atTimesteps(float[] table, long[] timesteps, float last) {
        float[] out = new float[timesteps.length + 1];
        for (int i = 0; i < timesteps.length; i++) {
            long t = Math.max(0, Math.min(timesteps[i], table.length - 1));
            out[i] = table[(int) t];
        }
        out[timesteps.length] = last;
        return out;
    }
}
