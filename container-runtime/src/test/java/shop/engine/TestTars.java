package shop.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds tarballs entry by entry, including the hostile ones no tar tool would write. */
public final class TestTars {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

    public TestTars() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    public TestTars dir(String name) {
        return put(new TarArchiveEntry(name.endsWith("/") ? name : name + "/"), null);
    }

    public TestTars file(String name, String content) {
        return file(name, content, 0644);
    }

    public TestTars file(String name, String content, int mode) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    public TestTars file(String name, byte[] data, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        e.setMode(mode);
        return put(e, data);
    }

    public TestTars symlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        e.setLinkName(target);
        return put(e, null);
    }

    public TestTars hardlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK);
        e.setLinkName(target);
        return put(e, null);
    }

    /** An entry whose name is written as given, bypassing the library's normalisation. */
    public TestTars rawFile(String name, String content) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        e.setSize(data.length);
        return put(e, data);
    }

    private TestTars put(TarArchiveEntry entry, byte[] data) {
        try {
            tar.putArchiveEntry(entry);
            if (data != null) {
                tar.write(data);
            }
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public byte[] bytes() {
        try {
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
