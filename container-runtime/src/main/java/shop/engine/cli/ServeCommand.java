package shop.engine.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import shop.engine.api.UnixSocketApi;

@Command(name = "serve", description = "Serve the Docker Engine API on a unix socket until SIGTERM or SIGINT")
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;
    @Option(names = {"-H", "--socket"}, defaultValue = "/run/shop-engine.sock")
    Path socket;

    @Override
    public Integer call() throws InterruptedException {
        UnixSocketApi api = new UnixSocketApi(main.engine(), socket);
        api.start();
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
