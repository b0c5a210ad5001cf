package shop.engine.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A container's /etc/hosts as the network service rewrites it while the container reads it. */
class HostsFileTest {

    @TempDir
    Path dir;

    @Test
    void aReaderAlwaysFindsTheContainersOwnNameWhileMembersComeAndGo() throws Exception {
        NetworkService.HostsFile hosts = new NetworkService.HostsFile(dir.resolve("hosts"), List.of("catalog-5"),
                List.of("10.0.0.9\textra"));
        String own = "10.87.0.5\tcatalog-5 catalog";
        // As the container's create writes it, then its network connect.
        Files.writeString(hosts.file(), hosts.render(List.of()));
        hosts.rewrite(List.of(own));
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<List<String>> misses = CompletableFuture.supplyAsync(() -> {
            List<String> seen = new ArrayList<>();
            try {
                while (!done.get()) {
                    String text = Files.readString(hosts.file());
                    if (!text.contains("catalog-5")) {
                        seen.add(text);
                    }
                }
            } catch (Exception e) {
                seen.add(e.toString());
            }
            return seen;
        });
        try {
            for (int round = 0; round < 20_000; round++) {
                List<String> members = new ArrayList<>(List.of(own));
                for (int i = 0; i < round % 7; i++) {
                    members.add("10.87.0." + (10 + i) + "\tmember-" + i);
                }
                hosts.rewrite(members);
            }
        } finally {
            done.set(true);
        }

        assertThat(misses.get()).as("reads that missed the container's own name").isEmpty();
        assertThat(Files.readString(hosts.file())).isEqualTo(
                "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" + own + "\n10.0.0.9\textra\n");
    }
}
