package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import shop.catalog.v1.CatalogServiceGrpc;
import shop.catalog.v1.GetProductsRequest;
import shop.inventory.v1.CommitRequest;
import shop.inventory.v1.InventoryServiceGrpc;
import shop.inventory.v1.ReleaseRequest;
import shop.inventory.v1.ReserveRequest;
import shop.payment.v1.AuthorizeRequest;
import shop.payment.v1.CaptureRequest;
import shop.payment.v1.LookupRequest;
import shop.payment.v1.PaymentServiceGrpc;
import shop.payment.v1.RefundRequest;
import shop.payment.v1.VoidRequest;
import shop.profiles.v1.ClearCartRequest;
import shop.profiles.v1.GetCartRequest;
import shop.profiles.v1.ProfilesServiceGrpc;
import shop.shipping.v1.CancelShipmentRequest;
import shop.shipping.v1.QuoteRequest;
import shop.shipping.v1.ShippingServiceGrpc;
import shop.testing.TestIdentities;

/**
 * Who may call which gRPC method: every method of every service, called straight at the service's
 * gRPC port as each service of the shop (with its certificate of the stack's authority), with no
 * certificate, with a certificate in billing's name from another authority, and in plaintext.
 * Each request is empty: an admitted caller gets the method's own answer to it (mostly
 * INVALID_ARGUMENT, so nothing changes), a refused one PERMISSION_DENIED before the method runs,
 * and a caller without the stack's certificate never completes the handshake (UNAVAILABLE).
 */
class GrpcAuthorizationMatrixTest {

    private static final Set<String> ANY = Set.copyOf(TestIdentities.SERVICES);
    private static final Set<String> BILLING = Set.of("billing");

    /** One method; {@code callers} get {@code answer}, other services PERMISSION_DENIED. */
    record Row(String service, MethodDescriptor<Message, Message> method, Message request, Set<String> callers,
               Status.Code answer) {
    }

    private static final List<Row> ROWS = List.of(
            row("catalog", CatalogServiceGrpc.getGetProductsMethod(), GetProductsRequest.getDefaultInstance(), ANY, Status.Code.OK),
            row("inventory", InventoryServiceGrpc.getReserveMethod(), ReserveRequest.getDefaultInstance(), BILLING,
                    Status.Code.INVALID_ARGUMENT),
            row("inventory", InventoryServiceGrpc.getReleaseMethod(), ReleaseRequest.getDefaultInstance(), BILLING,
                    Status.Code.INVALID_ARGUMENT),
            row("inventory", InventoryServiceGrpc.getCommitMethod(), CommitRequest.getDefaultInstance(), BILLING,
                    Status.Code.INVALID_ARGUMENT),
            row("payment", PaymentServiceGrpc.getAuthorizeMethod(), AuthorizeRequest.getDefaultInstance(), BILLING,
                    Status.Code.INVALID_ARGUMENT),
            row("payment", PaymentServiceGrpc.getCaptureMethod(), CaptureRequest.getDefaultInstance(), BILLING,
                    Status.Code.INVALID_ARGUMENT),
            row("payment", PaymentServiceGrpc.getVoidMethod(), VoidRequest.getDefaultInstance(), BILLING,
                    Status.Code.INVALID_ARGUMENT),
            row("payment", PaymentServiceGrpc.getRefundMethod(), RefundRequest.getDefaultInstance(), BILLING,
                    Status.Code.INVALID_ARGUMENT),
            row("payment", PaymentServiceGrpc.getLookupMethod(), LookupRequest.getDefaultInstance(), BILLING,
                    Status.Code.NOT_FOUND),
            row("profiles", ProfilesServiceGrpc.getGetCartMethod(), GetCartRequest.getDefaultInstance(), BILLING,
                    Status.Code.INVALID_ARGUMENT),
            row("profiles", ProfilesServiceGrpc.getClearCartMethod(), ClearCartRequest.getDefaultInstance(), BILLING,
                    Status.Code.INVALID_ARGUMENT),
            row("shipping", ShippingServiceGrpc.getQuoteMethod(), QuoteRequest.getDefaultInstance(), BILLING,
                    Status.Code.INVALID_ARGUMENT),
            row("shipping", ShippingServiceGrpc.getCancelShipmentMethod(), CancelShipmentRequest.getDefaultInstance(), BILLING,
                    Status.Code.INVALID_ARGUMENT));

    private static final LocalStack STACK = LocalStack.shared();
    /** Channels by caller, then by service: one handshake each. */
    private static final Map<String, Map<String, ManagedChannel>> CHANNELS = new LinkedHashMap<>();

    @AfterAll
    static void close() throws InterruptedException {
        for (Map<String, ManagedChannel> byService : CHANNELS.values()) {
            for (ManagedChannel channel : byService.values()) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void everyMethodAnswersOnlyTheServicesItNames() {
        List<String> wrong = new ArrayList<>();
        for (Row row : ROWS) {
            for (String caller : TestIdentities.SERVICES) {
                Status.Code expected = row.callers().contains(caller) ? row.answer() : Status.Code.PERMISSION_DENIED;
                check(row, caller, TestIdentities.client(caller), expected, wrong);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void noMethodAnswersACallerWithoutTheStacksCertificate() {
        List<String> wrong = new ArrayList<>();
        for (Row row : ROWS) {
            check(row, "no certificate", TestIdentities.anonymous(), Status.Code.UNAVAILABLE, wrong);
            check(row, "billing of another authority", TestIdentities.stranger("billing"), Status.Code.UNAVAILABLE, wrong);
            check(row, "plaintext", InsecureChannelCredentials.create(), Status.Code.UNAVAILABLE, wrong);
        }
        assertThat(wrong).isEmpty();
    }

    private static void check(Row row, String caller, ChannelCredentials credentials, Status.Code expected, List<String> wrong) {
        Status.Code actual = call(row, caller, credentials);
        if (actual != expected) {
            wrong.add(row.method().getFullMethodName() + " as " + caller + ": " + actual + ", want " + expected);
        }
    }

    private static Status.Code call(Row row, String caller, ChannelCredentials credentials) {
        ManagedChannel channel = CHANNELS.computeIfAbsent(caller, c -> new LinkedHashMap<>()).computeIfAbsent(row.service(),
                service -> TestIdentities.channel(credentials, service, STACK.service(service).grpcPort()));
        try {
            ClientCalls.blockingUnaryCall(channel, row.method(), CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
                    row.request());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @SuppressWarnings("unchecked")
    private static Row row(String service, MethodDescriptor<? extends Message, ? extends Message> method, Message request,
                           Set<String> callers, Status.Code answer) {
        return new Row(service, (MethodDescriptor<Message, Message>) method, request, callers, answer);
    }
}
