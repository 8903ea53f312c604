package dev.gangway.proxy.web;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.proxy.inject.InjectionSpecs;
import dev.gangway.proxy.log.ProxyLogger;

/**
 * The {@code inject=} specs of the live tunnels, parsed once per distinct spec rather than on every request. Keyed by
 * the spec text, so a reconnecting client's new registration finds its old parse; cleared whole when it grows past a
 * bound, which only churn of many distinct specs reaches (a re-parse costs microseconds).
 */
final class InjectionCache {

    private static final int MAX_ENTRIES = 1024;

    private final ConcurrentMap<String, InjectionSpecs> bySpec = new ConcurrentHashMap<>();

    InjectionSpecs of(TunnelInfo tunnel) {
        String json = tunnel.injectJson();
        if (json == null) {
            return InjectionSpecs.none();
        }
        InjectionSpecs cached = bySpec.get(json);
        if (cached != null) {
            return cached;
        }
        InjectionSpecs parsed;
        try {
            parsed = InjectionSpecs.parse(json);
        } catch (IllegalArgumentException e) {
            // The adapter validated the spec when the client registered it; a spec it accepts and this refuses is
            // a disagreement between the two parsers, and the page is better served without scripts than not at all.
            ProxyLogger.ROOT.unusableInjectSpec(tunnel.key(), e.getMessage());
            parsed = InjectionSpecs.none();
        }
        if (bySpec.size() >= MAX_ENTRIES) {
            bySpec.clear();
        }
        bySpec.put(json, parsed);
        return parsed;
    }
}
