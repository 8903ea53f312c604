package dev.gangway.proxy.web;

import jakarta.servlet.ServletContext;

import io.undertow.servlet.ServletExtension;
import io.undertow.servlet.api.DeploymentInfo;

/**
 * Puts the {@link GatewayHandler} in front of this deployment's servlet chain. Found through
 * {@code META-INF/services}; WildFly gives every WAR Undertow's core and servlet modules.
 */
public final class GangwayServletExtension implements ServletExtension {

    @Override
    public void handleDeployment(DeploymentInfo deploymentInfo, ServletContext servletContext) {
        // The listener publishes the runtime when the context starts; requests only come after that.
        deploymentInfo.addInitialHandlerChainWrapper(next -> new GatewayHandler(next,
                () -> (ProxyRuntime) servletContext.getAttribute(ProxyRuntime.ATTRIBUTE)));
    }
}
