package dev.gangway.it.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Docker-like hijack service and its client helpers against each other, with no Gangway in between. */
class DockerLikeUpgradeBackendTest {

    private DockerLikeUpgradeBackend backend;

    @BeforeEach
    void start() throws Exception {
        backend = DockerLikeUpgradeBackend.start();
    }

    @AfterEach
    void stop() throws Exception {
        backend.close();
    }

    @Test
    void echoesRawBytesAndAnswersTheClientsHalfCloseWithTheMarker() throws Exception {
        try (RawHttpConnection client = RawHttpConnection.open(backend.port(), 10_000)) {
            RawHttpConnection.Head head = DockerLikeUpgradeBackend.requestUpgrade(client, "docker.example",
                    "/v1.43/exec/abc/start");

            assertEquals(101, head.status());
            assertEquals("tcp", head.header("Upgrade"));
            assertEquals("Upgrade", head.header("Connection"));
            assertEquals("application/vnd.docker.raw-stream", head.header("Content-Type"));
            byte[] data = EchoService.randomBytes(1024 * 1024, 9);
            assertArrayEquals(data, DockerLikeUpgradeBackend.roundTrip(client, data));
            client.shutdownOutput();
            assertEquals(DockerLikeUpgradeBackend.MARKER, DockerLikeUpgradeBackend.readToEnd(client),
                    "after the client's half-close the service still writes, then ends");

            DockerLikeUpgradeBackend.Session session = backend.awaitSession(1, TimeUnit.SECONDS);
            assertNotNull(session);
            assertEquals("POST /v1.43/exec/abc/start HTTP/1.1", session.requestLine());
            assertEquals("docker.example", session.header("Host"));
            assertEquals(DockerLikeUpgradeBackend.EXEC_START_BODY, session.body());
            assertArrayEquals(data, session.received().get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void closeFirstEndsItsOutputAndStillReadsTheClient() throws Exception {
        try (RawHttpConnection client = RawHttpConnection.open(backend.port(), 10_000)) {
            RawHttpConnection.Head head = DockerLikeUpgradeBackend.requestUpgrade(client, "docker.example",
                    "/v1.43/containers/abc/attach?stream=1&stdin=1&close-first");

            assertEquals(101, head.status());
            assertEquals(DockerLikeUpgradeBackend.GREETING, DockerLikeUpgradeBackend.readToEnd(client),
                    "the service's output ends after the greeting");
            ByteArrayOutputStream late = new ByteArrayOutputStream();
            for (int i = 0; i < 3; i++) {
                byte[] piece = ("written after the service's EOF " + i + "\n").getBytes(StandardCharsets.UTF_8);
                client.write(piece);
                late.write(piece);
            }
            client.shutdownOutput();

            DockerLikeUpgradeBackend.Session session = backend.awaitSession(1, TimeUnit.SECONDS);
            assertNotNull(session);
            assertArrayEquals(late.toByteArray(), session.received().get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aRequestWithoutUpgradeTcpIs400() throws Exception {
        try (RawHttpConnection client = RawHttpConnection.open(backend.port(), 10_000)) {
            var response = client.get("docker.example", "/v1.43/version");

            assertEquals(400, response.status());
            assertEquals("this service only speaks Upgrade: tcp\n", response.bodyText());
        }
    }
}
