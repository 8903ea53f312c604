/** {@code GET /profiles/<thumbprint URI>/tunnels} (PROTOCOL.md): a Preevy profile's live tunnels, for its owner. */
package dev.gangway.proxy.profiles;
