package shop.engine.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import shop.engine.EngineException;
import shop.engine.build.Builder;

@Command(name = "build", description = "Build an image from a Dockerfile")
final class BuildCommand implements Callable<Integer> {
    @ParentCommand
    Main main;
    @Option(names = {"-t", "--tag"})
    List<String> tags = List.of();
    @Option(names = {"-f", "--file"}, description = "Dockerfile, relative to the context (default: Dockerfile)")
    String file = "Dockerfile";
    @Option(names = "--build-arg")
    List<String> buildArgs = List.of();
    @Option(names = "--label")
    List<String> labels = List.of();
    @Option(names = "--target")
    String target;
    @Option(names = "--no-cache")
    boolean noCache;
    @Parameters(index = "0", description = "Context directory")
    Path context;

    @Override
    public Integer call() {
        var image = main.engine().builder().build(new Builder.BuildRequest(context, file, tags, pairs(buildArgs, "--build-arg"),
                target, noCache, pairs(labels, "--label")), main.out::print);
        main.out.flush();
        return image == null ? 1 : 0;
    }

    private static Map<String, String> pairs(List<String> items, String option) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                if (option.equals("--build-arg") && System.getenv(item) != null) {
                    map.put(item, System.getenv(item));
                    continue;
                }
                throw EngineException.invalid(option + " " + item + ": want KEY=VALUE");
            }
            map.put(item.substring(0, eq), item.substring(eq + 1));
        }
        return map;
    }
}
