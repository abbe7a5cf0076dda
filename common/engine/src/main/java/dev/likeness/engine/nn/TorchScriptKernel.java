package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A libtorch operator that DJL does not expose, reached through a TorchScript module whose one-method source is
 * written here: the source goes into an in-memory archive laid out as {@code torch.jit.save} writes it, and libtorch
 * compiles it when loading (nothing downloaded, no Python). Calls run under the calling thread's grad mode, so they
 * record autograd like any other op. Loaded modules are cached per source for the life of the process; they hold no
 * tensors.
 */
final class TorchScriptKernel {

    private static final Map<String, TorchScriptKernel> LOADED = new ConcurrentHashMap<>();
    /** Owns the loaded modules (never closed: they live as long as the process). */
    private static NDManager owner;

    private final PtSymbolBlock module;

    private TorchScriptKernel(PtSymbolBlock module) {
        this.module = module;
    }

    /**
     * The kernel for a {@code forward} body.
     *
     * @param parameters the forward parameters after {@code self}, e.g. {@code "x: Tensor, w: Tensor"}; all tensors
     * @param body       one or more lines of TorchScript (indented by the caller's first column), ending in a
     *                   {@code return}
     */
    static TorchScriptKernel of(String parameters, String body) {
        String source = "class Kernel(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__.Kernel, " + parameters + ") -> Tensor:\n"
                + body.lines().map(l -> "    " + l + "\n").reduce("", String::concat);
        return LOADED.computeIfAbsent(source, TorchScriptKernel::load);
    }

    /** Runs the kernel; the result lives in the first input's manager. */
    NDArray apply(NDArray... inputs) {
        return IValueUtils.forward(module, new NDList(inputs), true).singletonOrThrow();
    }

    private static synchronized TorchScriptKernel load(String source) {
        if (owner == null) {
            owner = NDManager.newBaseManager();
        }
        try {
            return new TorchScriptKernel(JniUtils.loadModule((PtNDManager) owner,
                    new ByteArrayInputStream(archive(source)), false, false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The archive: {@code version}, the class source under {@code code/}, an empty constants table and the pickled
     * module object ({@code training = True}, no other state).
     */
    static byte[] archive(String source) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, "kernel/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            stored(zip, "kernel/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            stored(zip, "kernel/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // PROTO 2, EMPTY_TUPLE, STOP
            ByteArrayOutputStream pickle = new ByteArrayOutputStream();
            pickle.write(new byte[] {(byte) 0x80, 2, 'c'}); // PROTO 2, GLOBAL module\nname\n
            pickle.write("__torch__\nKernel\n".getBytes(StandardCharsets.US_ASCII));
            pickle.write(new byte[] {')', (byte) 0x81, '}', '('}); // EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK
            byte[] training = "training".getBytes(StandardCharsets.US_ASCII);
            pickle.write(new byte[] {'X', (byte) training.length, 0, 0, 0}); // BINUNICODE, little-endian length
            pickle.write(training);
            pickle.write(new byte[] {(byte) 0x88, 'u', 'b', '.'}); // NEWTRUE, SETITEMS, BUILD, STOP
            stored(zip, "kernel/data.pkl", pickle.toByteArray());
        }
        return bytes.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
