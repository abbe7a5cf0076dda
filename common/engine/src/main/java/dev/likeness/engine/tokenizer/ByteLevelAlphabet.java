package dev.likeness.engine.tokenizer;

/**
 * GPT-2/CLIP's reversible byte-to-character table: every byte maps to a printable character so BPE never sees
 * whitespace or control bytes. Printable Latin-1 bytes map to themselves; the 68 others map to U+0100 and up, in byte
 * order.
 */
final class ByteLevelAlphabet {

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + next++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevelAlphabet() {
    }

    static String encode(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            sb.append(BYTE_TO_CHAR[b & 0xFF]);
        }
        return sb.toString();
    }

    /** Appends the bytes behind {@code chars}; a character outside the table is an error (not a byte-level token). */
    static void decode(String chars, java.io.ByteArrayOutputStream out) {
        for (int i = 0; i < chars.length(); i++) {
            char c = chars.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) {
                throw new IllegalArgumentException("character U+" + Integer.toHexString(c)
                        + " is not a byte-level token character");
            }
            out.write(b);
        }
    }
}
