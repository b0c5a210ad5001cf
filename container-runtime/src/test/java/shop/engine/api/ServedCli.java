package shop.engine.api;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import shop.engine.ServedEngine;

/**
 * A test class's engine and the docker CLI pointed at it: served before the class's first test,
 * closed after its last (which checks that nothing is left). Registered as a static field with
 * {@code @RegisterExtension}.
 */
final class ServedCli implements BeforeAllCallback, AfterAllCallback {

    private ServedEngine served;
    private DockerCli cli;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        served = ServedEngine.start();
        cli = new DockerCli(served.socket());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        served.close();
    }

    ServedEngine served() {
        return served;
    }

    DockerCli cli() {
        return cli;
    }
}
