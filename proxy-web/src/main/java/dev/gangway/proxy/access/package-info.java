/**
 * Who may visit a private tunnel ({@code access=private}): Preevy-style owner JWTs (PROTOCOL.md, "Private tunnels"),
 * checked on the visitor's I/O thread without blocking. Pure logic over strings and keys; the web tier turns the
 * decisions into responses.
 */
package dev.gangway.proxy.access;
