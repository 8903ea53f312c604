package dev.gangway.proxy.profiles;

import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The Preevy profile API on the base host. Its classes are listed rather than scanned, so that it never picks up
 * resources another Jakarta REST application of this WAR (the self-service API) declares, nor they this one's.
 */
@ApplicationPath("/profiles")
public class ProfilesApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(ProfileTunnelsResource.class);
    }
}
