package shop.engine.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import shop.engine.api.UnixSocketApi;
import shop.engine.daemon.EngineDaemon;

@Command(name = "serve", description = "Serve the Docker Engine API on a unix socket until SIGTERM or SIGINT")
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;
    @Option(names = {"-H", "--socket"}, description = "Unix socket (default: <root>/engine.sock, where clients look first)")
    Path socket;

    @Override
    public Integer call() throws InterruptedException, java.io.IOException {
        UnixSocketApi api = new UnixSocketApi(main.engine(), socket != null ? socket : EngineDaemon.socket(main.state()));
        api.start();
        // For whoever started it in the background (EngineDaemon) and wants to stop it later.
        java.nio.file.Files.writeString(main.state().resolve("engine.pid"), ProcessHandle.current().pid() + "\n");
        java.nio.file.Files.writeString(EngineDaemon.codeFile(main.state()), EngineDaemon.codeStamp() + "\n");
        main.out.println("serving the Docker Engine API on unix://" + api.socket());
        main.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
