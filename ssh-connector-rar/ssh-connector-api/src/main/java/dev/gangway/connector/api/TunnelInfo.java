package dev.gangway.connector.api;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * What the registry knows of one live tunnel. Immutable and serializable, so that it can later live in a clustered
 * cache.
 *
 * @param key            the DNS label, {@code <part>-<clientId>}
 * @param clientId       derived from the owner's SSH public key
 * @param envId          the SSH user name the client logged in with (a label only)
 * @param requestString  the string the client registered the forward with, {@code #…} parameters included
 * @param access         public or private
 * @param metaJson       the {@code meta=} JSON object as sent (decoded), or {@code null}
 * @param injectJson     the {@code inject=} JSON array as sent (decoded), or {@code null}
 * @param url            the tunnel's public URL
 * @param openedAt       when the forward was accepted
 * @param keyFingerprint the SSH key the connection logged in with, {@code SHA256:…} as {@code ssh-keygen -l} prints it
 * @param owner          whom that key belongs to in authMode {@code sso}; {@code null} in the other modes
 * @param publicKey      that key as an OpenSSH public key line without comment ({@code ssh-ed25519 AAAA…}): what a
 *                       Preevy-style owner JWT for a private tunnel is verified against, and its profile id is derived
 *                       from
 */
public record TunnelInfo(String key, String clientId, String envId, String requestString, TunnelAccess access,
                         String metaJson, String injectJson, String url, Instant openedAt, String keyFingerprint,
                         KeyOwner owner, String publicKey) implements Serializable {

    public TunnelInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(requestString, "requestString");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(openedAt, "openedAt");
        Objects.requireNonNull(keyFingerprint, "keyFingerprint");
        Objects.requireNonNull(publicKey, "publicKey");
    }
}
