package shop.engine.api;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import shop.engine.ServedEngine;

/** The base of a test class that drives one engine, served for the whole class, with the docker CLI. */
abstract class ServedDockerCli {

    static ServedEngine served;
    static DockerCli cli;

    @BeforeAll
    static void serve() throws IOException {
        served = ServedEngine.start();
        cli = new DockerCli(served.socket());
    }

    @AfterAll
    static void stop() throws IOException {
        served.close();
    }
}
