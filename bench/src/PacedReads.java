import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads at a fixed rate (an open arrival schedule: a slow answer delays no later request) while
 * the script around it names phases on stdin, one name a line; each answer counts in the phase
 * in which its request was sent. At end of input it prints one line per phase:
 * {@code phase requests failed p50_ms p99_ms}; anything but a 200 in time is a failure.
 * Usage: java PacedReads.java URL RATE_PER_SECOND
 */
public class PacedReads {

    record Answer(int phase, boolean ok, double millis) {
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        double rate = Double.parseDouble(args[1]);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<String> phases = Collections.synchronizedList(new ArrayList<>(List.of("warm-up")));
        List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        clock.scheduleAtFixedRate(() -> {
            int phase = phases.size() - 1;
            long start = System.nanoTime();
            http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, failure) -> answers.add(new Answer(phase,
                            failure == null && response.statusCode() == 200, (System.nanoTime() - start) / 1e6)));
        }, 0, Math.round(1e9 / rate), TimeUnit.NANOSECONDS);

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.isBlank()) {
                phases.add(line.strip());
            }
        }
        clock.shutdownNow();
        Thread.sleep(11_000); // the last requests' timeout
        for (int phase = 1; phase < phases.size(); phase++) {
            int p = phase;
            List<Double> millis;
            long failed;
            synchronized (answers) {
                millis = answers.stream().filter(a -> a.phase() == p).map(Answer::millis).sorted().toList();
                failed = answers.stream().filter(a -> a.phase() == p && !a.ok()).count();
            }
            System.out.printf("%s %d %d %.1f %.1f%n", phases.get(phase), millis.size(), failed,
                    percentile(millis, 0.50), percentile(millis, 0.99));
        }
        System.exit(0);
    }

    private static double percentile(List<Double> sorted, double q) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
