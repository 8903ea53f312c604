package dev.gangway.it.support;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.jboss.dmr.ModelNode;

/**
 * The key registry through the test-only endpoint the IT server switches on with {@code -Dgangway.test-endpoints=true}
 * (arquillian.xml; proxy-web's {@code dev.gangway.accounts.registry.testendpoint}): each registry method is
 * {@code POST /_gangway-test/registry/<method>} with a JSON object of arguments.
 */
public final class RegistryEndpoint {

    public static final String PATH = "/_gangway-test/registry/";

    /** The HTTP status and the JSON body (the result, or {@code reason} and {@code message} when refused). */
    public record Answer(int status, ModelNode body) {

        public String describe() {
            return status + " " + body.toJSONString(true);
        }

        /** The refusal's reason, e.g. {@code DUPLICATE_KEY}; empty if the call succeeded. */
        public String reason() {
            return body.hasDefined("reason") ? body.get("reason").asString() : "";
        }
    }

    private RegistryEndpoint() {
    }

    /**
     * Calls one registry method.
     *
     * @param args alternating argument names and values (strings, booleans, numbers, or model nodes for lists)
     */
    public static Answer call(String method, Object... args) throws IOException, InterruptedException {
        ModelNode json = new ModelNode().setEmptyObject();
        for (int i = 0; i < args.length; i += 2) {
            Object value = args[i + 1];
            ModelNode arg = json.get((String) args[i]);
            if (value instanceof ModelNode node) {
                arg.set(node);
            } else if (value instanceof Boolean b) {
                arg.set(b);
            } else if (value instanceof Long n) {
                arg.set(n);
            } else if (value instanceof Integer n) {
                arg.set(n);
            } else {
                arg.set(String.valueOf(value));
            }
        }
        HttpResponse<String> response = Visitor.send(HttpRequest.newBuilder(ItServer.url(PATH + method))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.toJSONString(true))));
        String body = response.body();
        boolean isJson = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
        return new Answer(response.statusCode(), isJson && !body.isBlank() ? ModelNode.fromJSONString(body)
                : new ModelNode(body));
    }

    /** Signs a person in (creates or updates the account) and fails unless that worked. */
    public static ModelNode signIn(String subject, boolean admin, String... groups) throws Exception {
        ModelNode groupList = new ModelNode().setEmptyList();
        for (String group : groups) {
            groupList.add(group);
        }
        Answer answer = call("signedIn", "subject", subject, "displayName", "Name of " + subject,
                "email", subject + "@example.test", "groups", groupList, "admin", admin);
        if (answer.status() != 200) {
            throw new AssertionError("signedIn " + subject + ": " + answer.describe());
        }
        return answer.body();
    }
}
