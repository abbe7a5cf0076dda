package dev.likeness.engine.device;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Where tensors live: the first GPU when the PyTorch engine sees one (a CUDA build of libtorch is installed, see
 * docs/engine.md), else the CPU. {@code LIKENESS_DEVICE=cpu|gpu|gpu:N} (or the system property
 * {@code likeness.device}) overrides the choice.
 */
public final class Devices {

    private Devices() {
    }

    /** The device to compute on. */
    public static Device preferred() {
        String forced = System.getProperty("likeness.device", System.getenv("LIKENESS_DEVICE"));
        if (forced != null && !forced.isBlank()) {
            return parse(forced.trim());
        }
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /** {@code cpu}, {@code gpu} or {@code gpu:N}; a GPU that the engine cannot see is an error. */
    public static Device parse(String name) {
        if (name.equalsIgnoreCase("cpu")) {
            return Device.cpu();
        }
        if (name.toLowerCase(java.util.Locale.ROOT).startsWith("gpu") || name.startsWith("cuda")) {
            int idx = name.contains(":") ? Integer.parseInt(name.substring(name.indexOf(':') + 1)) : 0;
            int count = Engine.getInstance().getGpuCount();
            if (idx >= count) {
                throw new IllegalArgumentException("device " + name + " requested but the PyTorch engine sees "
                        + count + " GPU(s); install the CUDA build of libtorch (docs/engine.md)");
            }
            return Device.gpu(idx);
        }
        throw new IllegalArgumentException("unknown device '" + name + "' (expected cpu, gpu or gpu:N)");
    }

    /** e.g. {@code "cpu (PyTorch 2.7.1, 1 intra-op thread)"}. */
    public static String describe(Device device) {
        Engine engine = Engine.getInstance();
        String threads = System.getProperty("ai.djl.pytorch.num_threads", System.getenv("OMP_NUM_THREADS"));
        return device + " (" + engine.getEngineName() + " " + engine.getVersion()
                + (threads != null ? ", " + threads + " intra-op thread(s)" : "") + ")";
    }
}
