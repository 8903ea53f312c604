package dev.gangway.accounts.selfservice;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.gangway.accounts.registry.Actor;
import dev.gangway.accounts.registry.KeyRegistry;
import dev.gangway.accounts.registry.KeyRegistryException;

/** The administrators' API: every key and tunnel, and revoking or disconnecting any of them. */
@Path("admin")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    @Inject
    private KeyRegistry registry;

    @Context
    private HttpServletRequest request;

    @Context
    private ServletContext context;

    @GET
    @Path("keys")
    public JsonArray keys() {
        Caller admin = admin();
        JsonArrayBuilder keys = Json.createArrayBuilder();
        registry.allKeys(Actor.administrator(admin.person().subject())).forEach(k -> keys.add(Views.key(k)));
        return keys.build();
    }

    @GET
    @Path("tunnels")
    public JsonArray tunnels() {
        Caller admin = admin();
        JsonArrayBuilder tunnels = Json.createArrayBuilder();
        admin.factory().tunnels().forEach(t -> tunnels.add(Views.tunnel(t)));
        return tunnels.build();
    }

    @DELETE
    @Path("keys/{id}")
    public JsonObject revoke(@PathParam("id") long id) {
        return Revocations.removeKey(registry, admin(), Actor::administrator, id, "key revoked by an administrator",
                request.getRemoteAddr());
    }

    @DELETE
    @Path("tunnels/{key}")
    public JsonObject disconnect(@PathParam("key") String key) {
        return Revocations.disconnect(admin(), t -> t.key().equals(key), key, "disconnected by an administrator",
                request.getRemoteAddr());
    }

    private Caller admin() {
        Caller caller = Caller.of(request, context);
        if (!caller.person().admin()) {
            throw new KeyRegistryException(KeyRegistryException.Reason.NOT_ALLOWED,
                    "only members of " + caller.sso().adminGroup() + " may do this");
        }
        return caller;
    }
}
