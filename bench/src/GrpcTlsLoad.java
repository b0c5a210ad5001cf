import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import shop.identity.CertificateAuthority;
import shop.identity.ServiceCertificate;
import shop.payment.v1.AuthorizeRequest;
import shop.payment.v1.Card;
import shop.payment.v1.Payment;
import shop.payment.v1.PaymentServiceGrpc;
import shop.payment.v1.PaymentStatus;
import shop.platform.grpc.CalledBy;
import shop.platform.grpc.CallerAuthorization;

/**
 * One unary call shaped like payment's Authorize, on loopback: the services' mutual TLS (a
 * certificate of a stack authority on each side, and the server's caller check) against plaintext
 * without a check, the anchor, in the same run. Two ways: on a warm channel (the services keep one
 * per callee) and on a new connection per call (a handshake each). Rounds alternate the two modes
 * so that the machine's noise falls on both; each figure is the median over the rounds.
 * Arguments: the folder for the benchmark's authority.
 */
public class GrpcTlsLoad {

    static final int ROUNDS = Integer.getInteger("rounds", 9);
    static final int WARM_CALLS = Integer.getInteger("warmCalls", 20000);
    static final int NEW_CONNECTIONS = Integer.getInteger("newConnections", 200);

    /** Answers every Authorize at once: the transport is what is measured, not payment's database. */
    static final class Authorizer extends PaymentServiceGrpc.PaymentServiceImplBase {
        @Override
        @CalledBy("billing")
        public void authorize(AuthorizeRequest request, StreamObserver<Payment> response) {
            response.onNext(Payment.newBuilder().setPaymentId("0b9e3a44-5f7c-4a52-9b1e-1f6d0c0ad7e1")
                    .setStatus(PaymentStatus.AUTHORIZED).setAmountCents(request.getAmountCents())
                    .setCurrency(request.getCurrency()).setCardBrand("visa").setCardLast4("4242").build());
            response.onCompleted();
        }
    }

    record Mode(String name, Server server, ChannelCredentials client) {
    }

    public static void main(String[] args) throws Exception {
        CertificateAuthority authority = CertificateAuthority.openOrCreate(Path.of(args[0]).toAbsolutePath());
        ServiceCertificate payment = authority.issue("payment");
        ServiceCertificate billing = authority.issue("billing");
        ServerCredentials tlsServer = TlsServerCredentials.newBuilder()
                .keyManager(payment.certificateFile().toFile(), payment.keyFile().toFile())
                .trustManager(authority.certificateFile().toFile())
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build();
        ChannelCredentials tlsClient = TlsChannelCredentials.newBuilder()
                .keyManager(billing.certificateFile().toFile(), billing.keyFile().toFile())
                .trustManager(authority.certificateFile().toFile()).build();
        Authorizer authorizer = new Authorizer();
        ServerServiceDefinition checked = ServerInterceptors.intercept(authorizer, new CallerAuthorization(List.of(authorizer)));
        Mode tls = new Mode("mTLS", serve(tlsServer, checked), tlsClient);
        Mode plain = new Mode("plaintext", serve(InsecureServerCredentials.create(), authorizer.bindService()),
                InsecureChannelCredentials.create());
        AuthorizeRequest request = AuthorizeRequest.newBuilder().setIdempotencyKey("7d0c6f0e-8f0e-4a8e-a3f4-6f1f3c2b9d10")
                .setOrderId("2f6a9c1e-3b7d-4e5f-8a9b-0c1d2e3f4a5b").setUserId("51").setAmountCents(12_999).setCurrency("USD")
                .setCard(Card.newBuilder().setNumber("4242424242424242").setExpMonth(12).setExpYear(2030).setCvc("123"))
                .build();
        try {
            // Warm-up: the JIT and both servers, so the first rounds are not the slow ones.
            for (Mode mode : List.of(tls, plain)) {
                warm(mode, request, WARM_CALLS);
                fresh(mode, request, NEW_CONNECTIONS / 3);
            }
            List<Figures> warmTls = new ArrayList<>();
            List<Figures> warmPlain = new ArrayList<>();
            List<Figures> freshTls = new ArrayList<>();
            List<Figures> freshPlain = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                boolean tlsFirst = round % 2 == 0;
                warmTls.add(warm(tls, request, WARM_CALLS));
                warmPlain.add(warm(plain, request, WARM_CALLS));
                if (tlsFirst) {
                    freshTls.add(fresh(tls, request, NEW_CONNECTIONS));
                    freshPlain.add(fresh(plain, request, NEW_CONNECTIONS));
                } else {
                    freshPlain.add(fresh(plain, request, NEW_CONNECTIONS));
                    freshTls.add(fresh(tls, request, NEW_CONNECTIONS));
                }
            }
            System.out.printf("gRPC Authorize-shaped unary call on loopback, one caller; medians of %d rounds%n", ROUNDS);
            System.out.printf("%-32s %10s %10s %10s%n", "", "calls/s", "p50 ms", "p99 ms");
            Figures wt = Figures.median(warmTls);
            Figures wp = Figures.median(warmPlain);
            Figures ft = Figures.median(freshTls);
            Figures fp = Figures.median(freshPlain);
            print("warm channel, mTLS (" + WARM_CALLS + " calls)", wt);
            print("warm channel, plaintext (anchor)", wp);
            ratio("  ratio mTLS / plaintext", wt, wp);
            print("new connection, mTLS (" + NEW_CONNECTIONS + ")", ft);
            print("new connection, plaintext (anchor)", fp);
            ratio("  ratio mTLS / plaintext", ft, fp);
            double p99 = wt.p99 / wp.p99;
            System.out.printf("goal, warm p99 within 10 %% of plaintext: %s (%.2fx)%n", p99 <= 1.10 ? "met" : "not met", p99);
        } finally {
            tls.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            plain.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    record Figures(double callsPerSecond, double p50, double p99) {
        static Figures of(long[] nanos, long elapsed) {
            Arrays.sort(nanos);
            return new Figures(nanos.length * 1e9 / elapsed, nanos[nanos.length / 2] / 1e6,
                    nanos[(int) Math.ceil(nanos.length * 0.99) - 1] / 1e6);
        }

        static Figures median(List<Figures> rounds) {
            return new Figures(median(rounds.stream().mapToDouble(Figures::callsPerSecond).toArray()),
                    median(rounds.stream().mapToDouble(Figures::p50).toArray()),
                    median(rounds.stream().mapToDouble(Figures::p99).toArray()));
        }

        private static double median(double[] values) {
            Arrays.sort(values);
            return values[values.length / 2];
        }
    }

    /** On a warm channel: one connection for every call. */
    private static Figures warm(Mode mode, AuthorizeRequest request, int calls) throws InterruptedException {
        return timed(mode, request, calls, false);
    }

    /**
     * Each call on a connection of its own, as after a callee restarts: the channel (and its TLS
     * context) stays, and goes idle before every call, so each one connects, shakes hands and sends
     * HTTP/2's preface first.
     */
    private static Figures fresh(Mode mode, AuthorizeRequest request, int calls) throws InterruptedException {
        return timed(mode, request, calls, true);
    }

    private static Figures timed(Mode mode, AuthorizeRequest request, int calls, boolean newConnections)
            throws InterruptedException {
        ManagedChannel channel = channel(mode);
        try {
            PaymentServiceGrpc.PaymentServiceBlockingStub stub = PaymentServiceGrpc.newBlockingStub(channel);
            stub.authorize(request);
            long[] nanos = new long[calls];
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                if (newConnections) {
                    channel.enterIdle();
                }
                long before = System.nanoTime();
                stub.authorize(request);
                nanos[i] = System.nanoTime() - before;
            }
            return Figures.of(nanos, System.nanoTime() - start);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static ManagedChannel channel(Mode mode) {
        return Grpc.newChannelBuilderForAddress("127.0.0.1", mode.server.getPort(), mode.client)
                .overrideAuthority("payment").build();
    }

    private static Server serve(ServerCredentials credentials, ServerServiceDefinition service) throws Exception {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials).addService(service).build().start();
    }

    private static void print(String what, Figures figures) {
        System.out.printf("%-32s %10.0f %10.3f %10.3f%n", what, figures.callsPerSecond, figures.p50, figures.p99);
    }

    private static void ratio(String what, Figures measured, Figures anchor) {
        System.out.printf("%-32s %9.2fx %9.2fx %9.2fx%n", what, measured.callsPerSecond / anchor.callsPerSecond,
                measured.p50 / anchor.p50, measured.p99 / anchor.p99);
    }
}
