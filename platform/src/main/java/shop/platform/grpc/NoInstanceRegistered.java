package shop.platform.grpc;

/**
 * The cause of the UNAVAILABLE a call fails with while discovery lists no instance of its service.
 * No server was reached, so such a failure says nothing about the callee's health: the breaker
 * ignores it. Counted, a restart's few seconds of "not registered yet" would open the breaker and
 * keep failing calls well after the new instance registered.
 */
final class NoInstanceRegistered extends RuntimeException {

    NoInstanceRegistered(String service) {
        super("no instance of " + service + " with a grpc-port is registered", null, false, false);
    }
}
