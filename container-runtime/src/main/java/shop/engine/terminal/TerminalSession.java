package shop.engine.terminal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.ExecCreateCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Frame;
import java.io.Closeable;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import shop.engine.runtime.TerminalSize;
import shop.engine.support.EngineException;

/**
 * A container or an exec run on the user's terminal through the Docker API: the client's half of
 * {@code docker run -it} and {@code docker exec -it}, for the engine's CLI and fig.
 *
 * <p>Lifecycle: {@link #prepare} asks, at create, for a terminal of the local one's size (and an
 * open stdin, with input); {@link #runContainer} attaches before it starts the container, as the
 * docker CLI does, so nothing it shows is missed; {@link #runExec} starts an exec. While either
 * runs, the local terminal is raw, so every key (Ctrl-C and Ctrl-D too) reaches the far terminal
 * as the byte it is and that terminal's line discipline decides what it means; what the far
 * terminal shows is written out as it comes; a resize of the local window resizes the far
 * terminal. It ends when the far side does, and the local terminal is restored.
 *
 * <p>Input is docker-java's hijacked connection, which never half-closes: the end of a piped
 * stdin cannot end the container's. With a terminal that does not matter (Ctrl-D is a byte), so
 * input is only taken from a terminal. No detach keys: the session lasts as long as the process.
 */
public final class TerminalSession {

    /** How long the engine may take to answer an attach or an exec's start. */
    private static final long OPEN_TIMEOUT_S = 30;

    private final DockerClient docker;
    private final PrintStream out;
    private final boolean input;

    /** With {@code input}, stdin is typed into the far terminal; it must be a terminal then. */
    public TerminalSession(DockerClient docker, PrintStream out, boolean input) {
        if (input && !LocalTerminal.stdinIsTerminal()) {
            throw EngineException.invalid("the input device is not a TTY: -i with -t needs a terminal as stdin");
        }
        this.docker = docker;
        this.out = out;
        this.input = input;
    }

    /** Asks for a container that runs on a terminal of the local one's size, with its stdin open to this session. */
    public CreateContainerCmd prepare(CreateContainerCmd create) {
        TerminalSize size = LocalTerminal.stdinIsTerminal() ? LocalTerminal.size() : TerminalSize.UNSET;
        create.withTty(true).withAttachStdout(true).withAttachStderr(true);
        create.getHostConfig().withConsoleSize(List.of(size.rows(), size.cols()));
        if (input) {
            create.withStdinOpen(true).withStdInOnce(true).withAttachStdin(true);
        }
        return create;
    }

    /** Asks for an exec on a terminal; its size follows at its start. */
    public ExecCreateCmd prepare(ExecCreateCmd create) {
        return create.withTty(true).withAttachStdin(input).withAttachStdout(true).withAttachStderr(true);
    }

    /** Attaches to a container {@link #prepare}d, starts it, and shows it until it ends. */
    public void runContainer(String id) throws InterruptedException {
        relay(screen -> {
            var attach = docker.attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true);
            if (input) {
                attach.withStdIn(System.in);
            }
            attach.exec(screen);
        }, () -> docker.startContainerCmd(id).exec(),
                quietly(size -> docker.resizeContainerCmd(id).withSize(size.rows(), size.cols()).exec()));
    }

    /**
     * Starts an exec {@link #prepare}d and shows it until it ends. docker-java cannot send an
     * exec's first size, so a resize is sent just before the start, which the engine (as dockerd)
     * holds until the exec's terminal is there. So the size comes a moment after the exec's start:
     * a program that asks at once may see 0 x 0, as with the docker CLI before API 1.42.
     */
    public void runExec(String execId) throws InterruptedException {
        Consumer<TerminalSize> resize = quietly(size -> docker.resizeExecCmd(execId).withSize(size.rows(), size.cols()).exec());
        TerminalSize first = LocalTerminal.stdinIsTerminal() ? LocalTerminal.size() : null;
        relay(screen -> {
            if (first != null) {
                CompletableFuture.runAsync(() -> resize.accept(first));
            }
            docker.execStartCmd(execId).withTty(true).withStdIn(input ? System.in : null).exec(screen);
        }, () -> { }, resize);
    }

    private void relay(Consumer<Screen> open, Runnable start, Consumer<TerminalSize> resize) throws InterruptedException {
        try (LocalTerminal.Mode raw = input ? LocalTerminal.raw() : () -> { };
             LocalTerminal.Mode resizes = LocalTerminal.stdinIsTerminal() ? LocalTerminal.onResize(resize) : () -> { }) {
            Screen screen = new Screen(out);
            open.accept(screen);
            screen.awaitOpened();
            start.run();
            screen.awaitCompletion();
        }
    }

    /** A resize that comes as the far side ends fails; the session ends anyway. */
    private static Consumer<TerminalSize> quietly(Consumer<TerminalSize> resize) {
        return size -> {
            try {
                resize.accept(size);
            } catch (DockerException | EngineException e) {
                // The container or exec is gone: nothing left to resize.
            }
        };
    }

    /** What the far terminal shows, written out as it comes: one raw stream, no frames. */
    private static final class Screen extends ResultCallback.Adapter<Frame> {
        private final PrintStream out;
        private final CompletableFuture<Void> opened = new CompletableFuture<>();

        Screen(PrintStream out) {
            this.out = out;
        }

        @Override
        public void onStart(Closeable stream) {
            super.onStart(stream);
            opened.complete(null);
        }

        @Override
        public void onNext(Frame frame) {
            out.write(frame.getPayload(), 0, frame.getPayload().length);
            out.flush();
        }

        @Override
        public void onError(Throwable throwable) {
            opened.completeExceptionally(throwable);
            super.onError(throwable);
        }

        @Override
        public void onComplete() {
            opened.complete(null);
            super.onComplete();
        }

        /** Waits for the engine's answer; its error, if that is what it answered. */
        void awaitOpened() throws InterruptedException {
            try {
                opened.get(OPEN_TIMEOUT_S, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime
                        : EngineException.failed("attach: " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw EngineException.failed("attach: the engine did not answer within " + OPEN_TIMEOUT_S + " s", e);
            }
        }
    }
}
