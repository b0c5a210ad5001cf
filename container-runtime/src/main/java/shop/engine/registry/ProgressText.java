package shop.engine.registry;

/** The words of Docker's progress output, shared by the CLI's bars and the API's stream. */
public final class ProgressText {

    private static final int BAR = 50;

    private ProgressText() {
    }

    /** A layer's ID in progress output: the first 12 hex digits of its digest. */
    public static String shortId(String digest) {
        String hex = digest.startsWith("sha256:") ? digest.substring("sha256:".length()) : digest;
        return hex.substring(0, Math.min(12, hex.length()));
    }

    /** {@code [=====>      ]  1.2MB/3.4MB}, as Docker's {@code progress} field. */
    public static String bar(long current, long total) {
        int filled = total <= 0 ? 0 : (int) Math.min(BAR, current * BAR / total);
        String arrow = filled == 0 ? "" : filled == BAR ? "=".repeat(BAR) : "=".repeat(filled - 1) + ">";
        return "[" + arrow + " ".repeat(BAR - arrow.length()) + "] " + megabytes(current) + "/" + megabytes(total);
    }

    public static String megabytes(long bytes) {
        return String.format("%.1fMB", bytes / 1e6);
    }
}
