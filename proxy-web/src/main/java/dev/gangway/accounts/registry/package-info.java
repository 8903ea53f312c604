/**
 * The key registry: which SSH public keys may open tunnels in authMode {@code sso}, and whose they are. Accounts and
 * their registered keys are JPA entities in the WildFly datasource {@code java:jboss/datasources/GangwayDS} (H2 file
 * by default, PostgreSQL for real deployments; README: Key registry). {@link dev.gangway.accounts.registry.KeyRegistry}
 * is the one way in; {@link dev.gangway.accounts.registry.OpenSshPublicKeys} is the pure parsing and validation of
 * what a person pastes.
 */
package dev.gangway.accounts.registry;
