package dev.likeness.engine.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A memory-mapped safetensors file. Tensors are read on demand, so a multi-gigabyte checkpoint never sits on the
 * Java heap; offsets are {@code long}, so files over 2 GiB work. BF16 is widened to F32 on read because the PyTorch
 * engine of DJL aborts the JVM on bfloat16 arrays.
 */
public final class SafeTensorsFile implements AutoCloseable {

    /** Where one tensor lives in the file. */
    public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {
        public Shape djlShape() {
            return new Shape(shape);
        }

        public long elementCount() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A single mapping is limited to 2 GiB; larger files are mapped in windows per tensor. */
    private final FileChannel channel;
    private final Path path;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafeTensorsFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) {
                throw new IOException(path + ": not a safetensors file (shorter than its 8-byte header length)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > 100_000_000L || 8 + headerLen > size) {
                throw new IOException(path + ": corrupt safetensors header length " + headerLen);
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(channel, headerBuf, 8);
            JsonNode header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
            Map<String, TensorInfo> tensors = new TreeMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            long dataStart = 8 + headerLen;
            long dataSize = size - dataStart;
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                JsonNode node = e.getValue();
                String dtype = node.get("dtype").asText();
                JsonNode shapeNode = node.get("shape");
                long[] shape = new long[shapeNode.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeNode.get(i).asLong();
                }
                long begin = node.get("data_offsets").get(0).asLong();
                long end = node.get("data_offsets").get(1).asLong();
                TensorInfo info = new TensorInfo(e.getKey(), dtype, shape, begin, end);
                long expected = info.elementCount() * bytesPerElement(dtype, path, e.getKey());
                if (end < begin || end > dataSize || end - begin != expected) {
                    throw new IOException(path + ": tensor '" + e.getKey() + "' has offsets [" + begin + ", " + end
                            + ") that do not fit its dtype/shape or the file");
                }
                tensors.put(e.getKey(), info);
            }
            return new SafeTensorsFile(path, channel, dataStart, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** Tensor names in sorted order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new IllegalArgumentException(path + ": no tensor named '" + name + "'");
        }
        return info;
    }

    /** The {@code __metadata__} entries (empty when the file has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Reads one tensor into {@code manager}. F32, F16, F64, I64, I32, I8, U8 and BOOL keep their type; BF16 is widened
     * to F32.
     */
    public NDArray load(String name, NDManager manager) {
        TensorInfo info = info(name);
        ByteBuffer raw = map(info);
        Shape shape = info.djlShape();
        NDArray array;
        if (info.dtype().equals("BF16")) {
            int n = (int) info.elementCount();
            ByteBuffer widened = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                widened.putInt((raw.getShort(i * 2) & 0xFFFF) << 16);
            }
            widened.flip();
            array = manager.create(widened, shape, DataType.FLOAT32);
        } else {
            array = manager.create(raw, shape, dataType(info.dtype()));
        }
        array.setName(name);
        return array;
    }

    /** Reads one tensor converted to float32 (F16/BF16/F64 widened or narrowed). */
    public NDArray loadFloat32(String name, NDManager manager) {
        NDArray a = load(name, manager);
        if (a.getDataType() == DataType.FLOAT32) {
            return a;
        }
        NDArray f = a.toType(DataType.FLOAT32, false);
        a.close();
        return f;
    }

    private ByteBuffer map(TensorInfo info) {
        try {
            long length = info.end() - info.begin();
            if (length > Integer.MAX_VALUE) {
                throw new IllegalStateException(path + ": tensor '" + info.name() + "' is larger than 2 GiB");
            }
            if (length == 0) {
                return ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), length)
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new IllegalStateException(path + ": cannot read tensor '" + info.name() + "'", e);
        }
    }

    static int bytesPerElement(String dtype, Path path, String name) throws IOException {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL" -> 1;
            default -> throw new IOException(path + ": tensor '" + name + "' has unsupported dtype " + dtype);
        };
    }

    static DataType dataType(String dtype) {
        return switch (dtype) {
            case "F64" -> DataType.FLOAT64;
            case "F32" -> DataType.FLOAT32;
            case "F16" -> DataType.FLOAT16;
            case "I64" -> DataType.INT64;
            case "I32" -> DataType.INT32;
            case "I8" -> DataType.INT8;
            case "U8" -> DataType.UINT8;
            case "BOOL" -> DataType.BOOLEAN;
            default -> throw new IllegalArgumentException("dtype " + dtype + " cannot be loaded as a DJL array");
        };
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
