package dev.likeness.world.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * GPT-2/CLIP's byte-to-character table, in CLIP's vocabulary order: the 188 printable bytes ('!'…'~', '¡'…'¬',
 * '®'…'ÿ') map to themselves and come first; the 68 others map to U+0100 upward and follow, in byte order. Token
 * ids 0–255 of a CLIP vocabulary are these characters in this order.
 */
final class ByteLevel {

    /** The 256 byte characters in vocabulary order. */
    static final char[] ORDERED = new char[256];
    private static final char[] BYTE_TO_CHAR = new char[256];

    static {
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (printable(b)) {
                BYTE_TO_CHAR[b] = (char) b;
                ORDERED[n++] = (char) b;
            }
        }
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            if (!printable(b)) {
                BYTE_TO_CHAR[b] = (char) (256 + extra++);
                ORDERED[n++] = BYTE_TO_CHAR[b];
            }
        }
    }

    private ByteLevel() {
    }

    private static boolean printable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The byte characters of a pre-token's UTF-8 bytes. */
    static String encode(String preToken) {
        byte[] bytes = preToken.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            sb.append(BYTE_TO_CHAR[b & 0xFF]);
        }
        return sb.toString();
    }
}
