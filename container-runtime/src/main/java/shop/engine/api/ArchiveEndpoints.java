package shop.engine.api;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Base64;
import shop.engine.Engine;
import shop.engine.container.ContainerService;
import shop.engine.support.Json;

/**
 * Docker's {@code /containers/{id}/archive}: {@code HEAD} stats a path (the
 * {@code X-Docker-Container-Path-Stat} header), {@code GET} copies it out as a tar with that
 * header, {@code PUT} unpacks a tar into a directory, before the start (Testcontainers copies its
 * files then) or after it.
 */
final class ArchiveEndpoints implements Router.Endpoints {

    private static final String STAT_HEADER = "X-Docker-Container-Path-Stat";

    private final ContainerService containers;

    ArchiveEndpoints(Engine engine) {
        this.containers = engine.containers();
    }

    @Override
    public void register(Router router) {
        router.on("HEAD", "/containers/([^/]+)/archive", call -> {
            statHeader(call, containers.stat(call.path(1), call.required("path")));
            call.empty(200);
        });
        router.on("GET", "/containers/([^/]+)/archive", call -> {
            String id = containers.inspect(call.path(1)).id();
            String path = call.required("path");
            // Stat first, so a missing path is a 404 and not a broken tar.
            statHeader(call, containers.stat(id, path));
            try (OutputStream out = call.stream("application/x-tar")) {
                containers.copyOut(id, path, out);
            }
        });
        router.on("PUT", "/containers/([^/]+)/archive", call -> {
            String id = containers.inspect(call.path(1)).id();
            String path = call.required("path");
            try (InputStream in = call.bodyStream()) {
                containers.copyIn(id, path, in, call.flag("noOverwriteDirNonDir"));
            }
            call.empty(200);
        });
    }

    private static void statHeader(Call call, ContainerService.PathStat stat) {
        var json = Json.MAPPER.createObjectNode().put("name", stat.name()).put("size", stat.size()).put("mode", stat.mode())
                .put("mtime", stat.mtime().toString()).put("linkTarget", stat.linkTarget());
        call.response().getHeaders().put(STAT_HEADER, Base64.getEncoder().encodeToString(Json.bytes(json)));
    }
}
