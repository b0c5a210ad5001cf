package shop.engine.content;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Layers and tarballs arrive plain or gzipped; the magic bytes say which, whatever the name claims. */
public final class Compression {

    private Compression() {
    }

    public static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip;
    }

    /** The stream's tar bytes, gunzipped when it is gzip. */
    public static InputStream plain(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        return isGzip(in) ? new GZIPInputStream(in, 1 << 16) : in;
    }
}
