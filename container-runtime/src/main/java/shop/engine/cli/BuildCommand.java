package shop.engine.cli;

import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.BuildResponseItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import shop.engine.support.EngineException;

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

    /** Sent as the docker CLI sends it: the context as a tarball (docker-java leaves out what .dockerignore names). */
    @Override
    public Integer call() throws InterruptedException {
        Path dockerfile = context.resolve(file);
        if (!Files.isRegularFile(dockerfile)) {
            throw EngineException.invalid("no Dockerfile at " + dockerfile);
        }
        BuildImageCmd build = main.docker().buildImageCmd(context.toFile()).withDockerfile(dockerfile.toFile())
                .withTags(new LinkedHashSet<>(tags)).withNoCache(noCache).withTarget(target)
                .withLabels(pairs(labels, "--label"));
        pairs(buildArgs, "--build-arg").forEach(build::withBuildArg);
        String[] failure = new String[1];
        build.exec(new BuildImageResultCallback() {
            @Override
            public void onNext(BuildResponseItem item) {
                if (item.getStream() != null) {
                    main.out.print(item.getStream());
                }
                if (item.isErrorIndicated()) {
                    failure[0] = item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : item.getError();
                }
                super.onNext(item);
            }
        }).awaitCompletion();
        main.out.flush();
        if (failure[0] != null) {
            // The builder's own words: the file, the line and the instruction.
            throw EngineException.failed(failure[0], null);
        }
        return 0;
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
