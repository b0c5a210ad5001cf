package shop.engine.content;

import java.util.Map;

/** An OCI content descriptor: what a blob is, its digest and its size. */
public record Descriptor(String mediaType, String digest, long size, Map<String, String> annotations) {

    public Descriptor(String mediaType, String digest, long size) {
        this(mediaType, digest, size, null);
    }

    public Descriptor withAnnotations(Map<String, String> annotations) {
        return new Descriptor(mediaType, digest, size, annotations);
    }
}
