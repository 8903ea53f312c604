/**
 * The deployment's glue: the servlet extension that installs the gateway handler ahead of the servlet chain, and
 * the listener that hands it the resource adapter's connection factory from JNDI.
 */
package dev.gangway.proxy.web;
