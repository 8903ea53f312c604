package dev.gangway.accounts.selfservice;

import java.util.function.Function;
import java.util.function.Predicate;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import dev.gangway.accounts.audit.AuditLog;
import dev.gangway.accounts.registry.Actor;
import dev.gangway.accounts.registry.KeyInfo;
import dev.gangway.accounts.registry.KeyRegistry;
import dev.gangway.accounts.registry.KeyRegistryException;
import dev.gangway.connector.api.TunnelInfo;

/**
 * Removing a key and disconnecting a tunnel, for owners and administrators alike: the registry change first, then
 * the SSH sessions closed before the call returns (so revocation bites at once), then the audit line.
 */
final class Revocations {

    private Revocations() {
    }

    static JsonObject removeKey(KeyRegistry registry, Caller caller, Function<String, Actor> actor, long id,
                                String reason, String from) {
        KeyInfo removed = registry.removeKey(actor.apply(caller.person().subject()), id);
        int closed = caller.factory().disconnectKey(removed.fingerprint(), reason);
        AuditLog.LOG.keyRemoved(caller.person().displayName(), caller.person().subject(), removed.fingerprint(),
                removed.owner().subject(), closed, from);
        return Json.createObjectBuilder().add("removed", Views.key(removed)).add("sessionsClosed", closed).build();
    }

    static JsonObject disconnect(Caller caller, Predicate<TunnelInfo> which, String key, String reason, String from) {
        TunnelInfo tunnel = caller.factory().tunnels().stream().filter(which).findFirst()
                .orElseThrow(() -> new KeyRegistryException(KeyRegistryException.Reason.NO_SUCH_KEY,
                        "no tunnel " + key + " of yours is open"));
        int closed = caller.factory().disconnectKey(tunnel.keyFingerprint(), reason);
        AuditLog.LOG.tunnelDisconnected(caller.person().displayName(), caller.person().subject(), tunnel.key(),
                tunnel.keyFingerprint(), closed, from);
        return Json.createObjectBuilder().add("tunnel", Views.tunnel(tunnel)).add("sessionsClosed", closed).build();
    }
}
