package shop.platform.grpc;

import java.lang.reflect.Method;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import org.springframework.aop.support.AopUtils;

/**
 * Admits a gRPC call only from the services its method's {@link CalledBy} names. The caller is the
 * common name of the certificate it presented in the mutual TLS handshake, which the server
 * already checked against the stack's authority; a call with no such certificate never gets here
 * (the handshake fails), and one from another service is closed with PERMISSION_DENIED before the
 * method runs. Every method a service implements must say who may call it: a service with one that
 * does not refuses to start, so a new method is never open by omission. A method of the contract
 * that the service leaves unimplemented admits nobody.
 */
public class CallerAuthorization implements ServerInterceptor {

    /** Where a session keeps its caller's name: the certificate is parsed once, not on every call. */
    private static final String CALLER = "shop.platform.grpc.caller";

    /** Callers by full method name ({@code shop.payment.v1.PaymentService/Authorize}). */
    private final Map<String, Set<String>> callers = new HashMap<>();

    public CallerAuthorization(List<BindableService> services) {
        for (BindableService service : services) {
            Class<?> type = AopUtils.getTargetClass(service);
            for (ServerMethodDefinition<?, ?> method : service.bindService().getMethods()) {
                String name = method.getMethodDescriptor().getFullMethodName();
                Method implementation = implementation(type, method.getMethodDescriptor().getBareMethodName());
                if (implementation == null) {
                    continue;
                }
                CalledBy calledBy = implementation.getAnnotation(CalledBy.class);
                if (calledBy == null) {
                    throw new IllegalStateException(type.getName() + " serves " + name
                            + " without @CalledBy: say which services may call it");
                }
                callers.put(name, Set.of(calledBy.value()));
            }
        }
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        String caller = caller(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        Set<String> admitted = callers.getOrDefault(method, Set.of());
        if (caller == null) {
            call.close(Status.UNAUTHENTICATED.withDescription("a call needs a service's certificate"), new Metadata());
        } else if (admitted.contains(caller) || admitted.contains(CalledBy.ANY_SERVICE)) {
            return next.startCall(call, headers);
        } else {
            call.close(Status.PERMISSION_DENIED.withDescription(caller + " may not call " + method), new Metadata());
        }
        return new ServerCall.Listener<>() { };
    }

    /** The service a verified peer certificate names, or null without one; read once per TLS session. */
    private static String caller(SSLSession session) {
        if (session == null) {
            return null;
        }
        if (session.getValue(CALLER) instanceof String known) {
            return known;
        }
        String caller = commonName(session);
        if (caller != null) {
            session.putValue(CALLER, caller);
        }
        return caller;
    }

    private static String commonName(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
                return null;
            }
            for (Rdn part : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (part.getType().equalsIgnoreCase("CN")) {
                    return part.getValue().toString();
                }
            }
            return null;
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return null;
        }
    }

    /**
     * The service's own method for {@code Authorize}: {@code authorize}, or {@code void_} for a Java
     * keyword; null when only the generated interface's default (UNIMPLEMENTED) stands for it.
     */
    private static Method implementation(Class<?> type, String bareName) {
        String javaName = bareName.substring(0, 1).toLowerCase(Locale.ROOT) + bareName.substring(1);
        return Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(javaName) || m.getName().equals(javaName + "_"))
                .filter(m -> !m.getDeclaringClass().isInterface())
                .findFirst().orElse(null);
    }
}
