package dev.likeness.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likeness.localstack.LocalStack;
import dev.likeness.testkit.LocalStackExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 50 MB object goes up from a generated stream and comes back down without the heap growing by
 * its size: used heap after a full GC is sampled before, in the middle of each transfer, and after.
 */
@ExtendWith(LocalStackExtension.class)
class LargeObjectStreamingTest {

    private static final long SIZE = 50L * 1024 * 1024;
    private static final long SAMPLE_AT = 40L * 1024 * 1024;
    /** Well below the object's 50 MB: a few multipart buffers at most. */
    private static final long ALLOWED_GROWTH = 20L * 1024 * 1024;

    @Test
    void fiftyMegabytesStreamThroughBothWays(LocalStack stack, @TempDir Path dir) throws Exception {
        ObjectKey key = ObjectKey.of("objectstore-test/" + UUID.randomUUID() + "/large.bin");
        try (ObjectStore store = ObjectStore.builder().endpoint(stack.s3Endpoint())
                .credentials(stack.s3AccessKey(), stack.s3SecretKey()).bucket(stack.bucket()).build()) {
            store.ensureBucket();
            store.put(key.resolveSibling("warm-up"), new byte[] {1}, null); // load classes, open connections
            long baseline = usedHeapAfterGc();

            GeneratedStream upload = new GeneratedStream(SIZE, 11, SAMPLE_AT);
            long t0 = System.nanoTime();
            ObjectStat stat = store.put(key, upload, "application/octet-stream");
            double uploadSeconds = (System.nanoTime() - t0) / 1e9;
            long afterUpload = usedHeapAfterGc();

            assertThat(stat.size()).isEqualTo(SIZE);
            assertThat(stat.sha256()).isEqualTo(upload.sha256());

            long t1 = System.nanoTime();
            long midDownload;
            MessageDigest down = MessageDigest.getInstance("SHA-256");
            try (InputStream in = store.open(key)) {
                midDownload = drain(in, down);
            }
            double downloadSeconds = (System.nanoTime() - t1) / 1e9;
            Path file = store.get(key, dir.resolve("large.bin"));
            long afterDownload = usedHeapAfterGc();

            System.out.printf("50 MB: upload %.2f s, download %.2f s; heap growth MB: mid-upload %.1f, after upload "
                    + "%.1f, mid-download %.1f, after download %.1f%n", uploadSeconds, downloadSeconds,
                    mb(upload.heapAtSample - baseline), mb(afterUpload - baseline), mb(midDownload - baseline),
                    mb(afterDownload - baseline));
            assertThat(HexFormat.of().formatHex(down.digest())).isEqualTo(upload.sha256());
            assertThat(Files.size(file)).isEqualTo(SIZE);
            assertThat(upload.heapAtSample - baseline).as("heap growth in the middle of the upload")
                    .isLessThan(ALLOWED_GROWTH);
            assertThat(midDownload - baseline).as("heap growth in the middle of the download")
                    .isLessThan(ALLOWED_GROWTH);
            assertThat(afterUpload - baseline).isLessThan(ALLOWED_GROWTH);
            assertThat(afterDownload - baseline).isLessThan(ALLOWED_GROWTH);
            store.delete(key);
        }
    }

    /** Reads everything into the digest; returns the used heap sampled at {@link #SAMPLE_AT} bytes. */
    private static long drain(InputStream in, MessageDigest digest) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        long sampled = -1;
        for (int n; (n = in.read(buf)) > 0; ) {
            digest.update(buf, 0, n);
            if (total < SAMPLE_AT && total + n >= SAMPLE_AT) {
                sampled = usedHeapAfterGc();
            }
            total += n;
        }
        assertThat(total).isEqualTo(SIZE);
        return sampled;
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    /**
     * Pseudo-random bytes made on the fly (xorshift, incompressible), hashed as they are handed out;
     * samples the heap once {@code sampleAt} bytes have been read.
     */
    private static final class GeneratedStream extends InputStream {
        private final long size;
        private final long sampleAt;
        private final MessageDigest digest;
        private long state;
        private long position;
        long heapAtSample = -1;

        GeneratedStream(long size, long seed, long sampleAt) throws Exception {
            this.size = size;
            this.sampleAt = sampleAt;
            this.state = seed;
            this.digest = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                b[off + i] = (byte) state;
            }
            digest.update(b, off, n);
            if (position < sampleAt && position + n >= sampleAt) {
                heapAtSample = usedHeapAfterGc();
            }
            position += n;
            return n;
        }

        private String sha256;

        /** Digest of everything handed out; call once the stream is exhausted. */
        String sha256() {
            if (sha256 == null) {
                sha256 = HexFormat.of().formatHex(digest.digest());
            }
            return sha256;
        }
    }
}
