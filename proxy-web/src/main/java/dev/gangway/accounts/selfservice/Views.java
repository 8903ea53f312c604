package dev.gangway.accounts.selfservice;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import dev.gangway.accounts.registry.KeyInfo;
import dev.gangway.connector.api.TunnelInfo;

/** The API's JSON shapes. */
final class Views {

    private Views() {
    }

    static JsonObject key(KeyInfo key) {
        JsonObjectBuilder json = Json.createObjectBuilder().add("id", key.id()).add("name", key.name())
                .add("fingerprint", key.fingerprint()).add("keyType", key.keyType())
                .add("owner", key.owner().displayName()).add("ownerSubject", key.owner().subject())
                .add("createdAt", key.createdAt().toString());
        return (key.lastUsedAt() == null ? json.addNull("lastUsedAt") : json.add("lastUsedAt",
                key.lastUsedAt().toString())).build();
    }

    static JsonObject tunnel(TunnelInfo tunnel) {
        JsonObjectBuilder json = Json.createObjectBuilder().add("key", tunnel.key()).add("url", tunnel.url())
                .add("openedAt", tunnel.openedAt().toString()).add("keyFingerprint", tunnel.keyFingerprint());
        return (tunnel.owner() == null ? json.addNull("owner") : json.add("owner", tunnel.owner().displayName())
                .add("ownerSubject", tunnel.owner().subject())).build();
    }
}
