package dev.gangway.accounts.selfservice;

import jakarta.json.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import dev.gangway.accounts.registry.KeyRegistryException;

/** A refused registry operation as {@code {"reason": ..., "message": ...}} with its status. */
@Provider
public class RegistryRefusals implements ExceptionMapper<KeyRegistryException> {

    @Override
    public Response toResponse(KeyRegistryException e) {
        return Response.status(e.httpStatus()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Json.createObjectBuilder().add("reason", e.reason().name()).add("message", e.getMessage())
                        .build().toString())
                .build();
    }
}
