package shop.engine.cli;

import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.ResponseItem;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import shop.engine.client.StreamedProgress;
import shop.engine.image.Reference;
import shop.engine.registry.Credentials;
import shop.engine.registry.DockerConfigFile;
import shop.engine.registry.RegistryHosts;
import shop.engine.registry.TerminalProgress;
import shop.engine.support.EngineException;

/** pull, push, login through the engine's API, with credentials from the docker CLI's config.json. */
final class RegistryCommands {

    private RegistryCommands() {
    }

    /** Where credentials are read and written, as the docker CLI's {@code --config}. */
    static final class ConfigOption {
        @Option(names = "--config", description = "Directory of config.json (default: $DOCKER_CONFIG or ~/.docker)")
        Path dir;

        DockerConfigFile file() {
            return dir == null ? DockerConfigFile.fromEnvironment() : new DockerConfigFile(dir.resolve("config.json"));
        }
    }

    private static <T extends ResponseItem> StreamedProgress<T> progress(Main main) {
        return new StreamedProgress<>(new TerminalProgress(main.out, main.out == System.out && System.console() != null));
    }

    /** Credentials as the API takes them (X-Registry-Auth); an empty one is anonymous access. */
    private static AuthConfig auth(Credentials credentials, String domain) {
        if (credentials == null || credentials.equals(Credentials.ANONYMOUS)) {
            return new AuthConfig();
        }
        return new AuthConfig().withUsername(credentials.username()).withPassword(credentials.password())
                .withIdentityToken(credentials.identityToken()).withRegistryAddress(domain);
    }

    @Command(name = "pull", description = "Pull an image from a registry")
    static final class Pull implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Mixin
        ConfigOption config;
        @Parameters(index = "0", description = "NAME[:TAG|@DIGEST]")
        String image;

        @Override
        public Integer call() throws InterruptedException {
            Reference ref = Reference.parse(image);
            main.docker().pullImageCmd(ref.toString()).withAuthConfig(auth(config.file().find(ref.domain()), ref.domain()))
                    .exec(progress(main)).done();
            main.out.println(ref.familiar());
            return 0;
        }
    }

    @Command(name = "push", description = "Push an image to a registry")
    static final class Push implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Mixin
        ConfigOption config;
        @Parameters(index = "0", description = "NAME[:TAG]")
        String image;

        @Override
        public Integer call() throws InterruptedException {
            Reference ref = Reference.parse(image);
            String[] name = ImageCommands.splitTag(image);
            main.docker().pushImageCmd(name[0]).withTag(name[1] == null ? "latest" : name[1])
                    .withAuthConfig(auth(config.file().find(ref.domain()), ref.domain()))
                    .exec(progress(main)).done();
            return 0;
        }
    }

    @Command(name = "login", description = "Check credentials against a registry and store them in config.json")
    static final class Login implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Mixin
        ConfigOption config;
        @Option(names = {"-u", "--username"}, required = true)
        String username;
        @Option(names = {"-p", "--password"}, description = "Password (default: read from stdin with --password-stdin)")
        String password;
        @Option(names = "--password-stdin")
        boolean passwordStdin;
        @Parameters(index = "0", arity = "0..1", description = "Registry host[:port] (default: docker.io)")
        String server;

        @Override
        public Integer call() throws Exception {
            String secret = passwordStdin ? new String(System.in.readAllBytes()).strip() : password;
            if (secret == null || secret.isEmpty()) {
                throw EngineException.invalid("login: a password is required (-p or --password-stdin)");
            }
            String domain = RegistryHosts.domainOf(server);
            Credentials credentials = Credentials.basic(username, secret);
            // The engine checks them against the registry; the client keeps them, as the docker CLI does.
            main.docker().authCmd().withAuthConfig(auth(credentials, domain)).exec();
            config.file().save(domain, credentials);
            main.out.println("Login Succeeded");
            return 0;
        }
    }
}
