package dev.gangway.accounts.selfservice;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.gangway.accounts.audit.AuditLog;
import dev.gangway.accounts.registry.Actor;
import dev.gangway.accounts.registry.KeyInfo;
import dev.gangway.accounts.registry.KeyRegistry;

/**
 * The signed-in person's SSH keys: list, add (validated by the registry; duplicates refused), rename, remove. A
 * removed key's SSH sessions are closed before the call returns, so its tunnels are gone at once.
 */
@Path("keys")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class KeysResource {

    @Inject
    private KeyRegistry registry;

    @Context
    private HttpServletRequest request;

    @Context
    private ServletContext context;

    @GET
    public JsonArray list() {
        Caller caller = Caller.of(request, context);
        JsonArrayBuilder keys = Json.createArrayBuilder();
        registry.keysOf(caller.person().subject()).forEach(k -> keys.add(Views.key(k)));
        return keys.build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response add(JsonObject body) {
        Caller caller = Caller.of(request, context).requireAllowed();
        KeyInfo key = registry.addKey(caller.person().subject(), body.getString("publicKey", ""),
                body.getString("name", ""));
        AuditLog.LOG.keyAdded(caller.person().displayName(), caller.person().subject(), key.fingerprint(), key.name(),
                request.getRemoteAddr());
        return Response.status(Response.Status.CREATED).entity(Views.key(key)).build();
    }

    @PUT
    @Path("{id}/name")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject rename(@PathParam("id") long id, JsonObject body) {
        Caller caller = Caller.of(request, context);
        KeyInfo key = registry.renameKey(Actor.person(caller.person().subject()), id, body.getString("name", ""));
        AuditLog.LOG.keyRenamed(caller.person().displayName(), caller.person().subject(), key.fingerprint(), key.name(),
                request.getRemoteAddr());
        return Views.key(key);
    }

    @DELETE
    @Path("{id}")
    public JsonObject remove(@PathParam("id") long id) {
        return Revocations.removeKey(registry, Caller.of(request, context), Actor::person, id, "key removed by its owner",
                request.getRemoteAddr());
    }
}
