package shop.engine.fig;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import shop.engine.cli.Main;

/** One run of the shop-engine command line in-process: its exit status, and stdout and stderr together as a terminal shows them. */
record FigRun(int exit, String out) {

    /** Runs {@code shop-engine <prefix...> <args...>}, the prefix being the global options, "fig" and fig's own. */
    static FigRun of(List<String> prefix, String... args) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int exit = Main.execute(full.toArray(String[]::new), print, print);
        return new FigRun(exit, out.toString(StandardCharsets.UTF_8));
    }
}
