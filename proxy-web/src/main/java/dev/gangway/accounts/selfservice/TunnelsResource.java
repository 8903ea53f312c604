package dev.gangway.accounts.selfservice;

import jakarta.enterprise.context.RequestScoped;
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

import dev.gangway.connector.api.TunnelInfo;

/**
 * The signed-in person's live tunnels, and disconnecting one: the SSH connection that holds it is closed (with every
 * tunnel of that key; a key's tunnels share their connection when the client opened them together).
 */
@Path("tunnels")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class TunnelsResource {

    @Context
    private HttpServletRequest request;

    @Context
    private ServletContext context;

    @GET
    public JsonArray list() {
        Caller caller = Caller.of(request, context);
        JsonArrayBuilder tunnels = Json.createArrayBuilder();
        caller.factory().tunnels().stream().filter(t -> owns(caller, t)).forEach(t -> tunnels.add(Views.tunnel(t)));
        return tunnels.build();
    }

    @DELETE
    @Path("{key}")
    public JsonObject disconnect(@PathParam("key") String key) {
        Caller caller = Caller.of(request, context);
        return Revocations.disconnect(caller, t -> t.key().equals(key) && owns(caller, t), key,
                "disconnected by its owner", request.getRemoteAddr());
    }

    private static boolean owns(Caller caller, TunnelInfo tunnel) {
        return tunnel.owner() != null && tunnel.owner().subject().equals(caller.person().subject());
    }
}
