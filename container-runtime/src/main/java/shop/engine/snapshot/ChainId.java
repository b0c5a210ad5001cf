package shop.engine.snapshot;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import shop.engine.content.Digest;

/** ChainID(L0) = DiffID(L0); ChainID(L0..n) = sha256(ChainID(L0..n-1) + " " + DiffID(Ln)). */
public final class ChainId {

    private ChainId() {
    }

    /** The chain ID after each layer, lowest first. */
    public static List<String> of(List<String> diffIds) {
        List<String> chain = new ArrayList<>();
        String previous = null;
        for (String diffId : diffIds) {
            previous = previous == null ? diffId
                    : Digest.of((previous + " " + diffId).getBytes(StandardCharsets.UTF_8));
            chain.add(previous);
        }
        return chain;
    }
}
