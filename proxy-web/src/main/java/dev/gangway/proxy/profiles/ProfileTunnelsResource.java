package dev.gangway.proxy.profiles;

import java.io.StringReader;
import java.net.URI;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.proxy.access.OwnerCredential;
import dev.gangway.proxy.access.OwnerKey;
import dev.gangway.proxy.web.ProxyRuntime;

/**
 * {@code GET /profiles/<thumbprint URI>/tunnels}: the live tunnels opened with the profile's key, as Preevy's server
 * answers it: 404 for a profile with no tunnel (its key is then unknown, so no JWT could be checked), 401 unless the
 * request carries a JWT of that profile (as for a private tunnel), else {@code [{envId, hostname, access, meta}]}.
 */
@Path("{profile}/tunnels")
public class ProfileTunnelsResource {

    @Context
    ServletContext servletContext;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response tunnels(@PathParam("profile") String profile,
                            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        ProxyRuntime runtime = (ProxyRuntime) servletContext.getAttribute(ProxyRuntime.ATTRIBUTE);
        if (runtime == null) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).build();
        }
        List<TunnelInfo> tunnels = runtime.factory().tunnels().stream()
                .filter(t -> {
                    OwnerKey key = runtime.ownerKeys().of(t);
                    return key != null && key.thumbprintUri().equals(profile);
                })
                .toList();
        if (tunnels.isEmpty()) {
            return message(Response.Status.NOT_FOUND, "Unknown profile");
        }
        String token = OwnerCredential.token(authorization);
        if (token == null || !runtime.ownerJwts().verify(token, runtime.ownerKeys().of(tunnels.get(0)))) {
            return Response.status(Response.Status.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"profile\"")
                    .type(MediaType.APPLICATION_JSON)
                    .entity("{\"message\":\"Send a JWT of this profile\"}").build();
        }
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (TunnelInfo tunnel : tunnels) {
            out.add(Json.createObjectBuilder()
                    .add("envId", tunnel.envId() == null ? "" : tunnel.envId())
                    .add("hostname", URI.create(tunnel.url()).getHost())
                    .add("access", tunnel.access().name().toLowerCase(java.util.Locale.ROOT))
                    .add("meta", meta(tunnel.metaJson())));
        }
        return Response.ok(out.build().toString(), MediaType.APPLICATION_JSON).build();
    }

    private static JsonValue meta(String json) {
        if (json == null) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readValue();
        } catch (RuntimeException e) {
            // The adapter validated it as a JSON object when the client registered the tunnel.
            return JsonValue.EMPTY_JSON_OBJECT;
        }
    }

    private static Response message(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Json.createObjectBuilder().add("message", message).build().toString()).build();
    }
}
