package shop.engine.api;

import com.fasterxml.jackson.core.JacksonException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;
import shop.engine.Engine;
import shop.engine.event.EngineEvents;
import shop.engine.support.EngineException;

/**
 * Routes Docker Engine API requests to the endpoint class of their resource; holds no logic of
 * its own. Paths are served with any {@code /vN.NN} prefix and without one. Engine errors become
 * Docker's {@code {"message": ...}} with 400, 404 or 409; anything else a 500 with a one-line
 * message, never a stack trace.
 */
final class Router extends Handler.Abstract {

    /** The API version this engine speaks, and the oldest it accepts (Podman's range). */
    static final String API_VERSION = "1.51";
    static final String MIN_API_VERSION = "1.24";
    private static final Pattern VERSION_PREFIX = Pattern.compile("^/v\\d+\\.\\d+(/.*)$");

    /** One endpoint's work, on the call's request and response. */
    interface Route {
        void handle(Call call) throws Exception;
    }

    /** A resource's endpoints, registered together. */
    interface Endpoints {
        void register(Router router);
    }

    private record Entry(String method, Pattern path, Route route) {
    }

    private final List<Entry> entries = new ArrayList<>();

    Router(Engine engine, EngineEvents events) {
        ImageArchiveEndpoints archives = new ImageArchiveEndpoints(engine, events);
        ContainerViews views = new ContainerViews(engine);
        for (Endpoints endpoints : List.of(new SystemEndpoints(engine, events),
                new ContainerEndpoints(engine, events, views), new ExecEndpoints(engine, events),
                new ArchiveEndpoints(engine), new ImageEndpoints(engine, events), new BuildEndpoints(engine, events),
                archives, new RegistryEndpoints(engine, events, archives), new NetworkEndpoints(engine, events),
                new VolumeEndpoints(engine, events))) {
            endpoints.register(this);
        }
    }

    /** Serves {@code method path} (a regular expression over the unversioned path) with {@code route}. */
    void on(String method, String path, Route route) {
        entries.add(new Entry(method, Pattern.compile(path), route));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        Matcher versioned = VERSION_PREFIX.matcher(path);
        if (versioned.matches()) {
            path = versioned.group(1);
        }
        // Image names arrive with their slashes encoded (docker-java: /images/localhost%2Fshop%2Fweb/json).
        path = URIUtil.decodePath(path);
        response.getHeaders().put("Api-Version", API_VERSION);
        response.getHeaders().put("Ostype", "linux");
        response.getHeaders().put("Server", "shop-engine/" + SystemEndpoints.ENGINE_VERSION + " (linux)");
        Call call = null;
        try {
            Fields query = Request.extractQueryParameters(request);
            boolean pathKnown = false;
            for (Entry entry : entries) {
                Matcher m = entry.path().matcher(path);
                if (m.matches()) {
                    pathKnown = true;
                    if (entry.method().equals(request.getMethod())) {
                        call = new Call(m, request, response, query);
                        entry.route().handle(call);
                        callback.succeeded();
                        return true;
                    }
                }
            }
            fail(response, pathKnown ? 405 : 404, pathKnown ? "method not allowed" : "page not found");
        } catch (EngineException e) {
            fail(response, switch (e.kind()) {
                case INVALID -> 400;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case FAILED -> 500;
            }, e.getMessage());
        } catch (IllegalArgumentException | JacksonException e) {
            fail(response, 400, "bad request: " + e.getMessage());
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Exception | Error e) {
            // A bug, not the client's doing: still Docker's JSON, not a page with a stack trace.
            fail(response, 500, e.toString());
        }
        callback.succeeded();
        return true;
    }

    /** An error reply, unless a streamed reply already sent its headers (then the stream just ends). */
    private static void fail(Response response, int status, String message) {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        new Call(null, null, response, null).error(status, message);
    }
}
