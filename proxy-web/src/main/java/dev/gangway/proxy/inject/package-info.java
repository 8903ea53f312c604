/**
 * The {@code inject=} engine: script tags inserted into the HTML pages a tunnel's service sends, as pure logic with
 * no I/O. {@link dev.gangway.proxy.inject.InjectionSpecs} holds a tunnel's specs;
 * {@link dev.gangway.proxy.inject.ScriptInjection} adjusts one request's conditional headers and decides, from the
 * response head, whether the response is rewritten; {@link dev.gangway.proxy.inject.BodyTransformer} rewrites the
 * body as it streams through (decode, insert, encode again), push in and pull out, in bounded memory, without
 * blocking or threads.
 */
package dev.gangway.proxy.inject;
