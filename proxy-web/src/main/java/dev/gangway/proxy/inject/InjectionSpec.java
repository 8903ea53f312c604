package dev.gangway.proxy.inject;

import java.util.regex.Pattern;

/**
 * One {@code inject=} entry.
 *
 * @param src       the script URL, as given
 * @param async     whether the tag carries {@code async}
 * @param defer     whether the tag carries {@code defer}
 * @param pathRegex the request targets it applies to ({@code find}, as JavaScript's {@code RegExp.test}), or
 *                  {@code null} for all
 */
record InjectionSpec(String src, boolean async, boolean defer, Pattern pathRegex) {

    boolean appliesTo(String requestTarget) {
        return pathRegex == null || pathRegex.matcher(requestTarget).find();
    }
}
