package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.TunnelAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TunnelRequestTest {

    @Test
    void plainSocketPath() throws Exception {
        TunnelRequest request = TunnelRequest.streamLocal("/my-app");
        assertEquals(ForwardKind.STREAMLOCAL, request.kind());
        assertEquals("/my-app", request.requestString());
        assertEquals("my-app", request.name());
        assertEquals(0, request.port());
        assertEquals(TunnelAccess.PUBLIC, request.access());
        assertNull(request.metaJson());
        assertNull(request.injectJson());
    }

    @Test
    void onlyOneLeadingSlashIsDropped() throws Exception {
        assertEquals("/x", TunnelRequest.streamLocal("//x").name());
        assertEquals("x", TunnelRequest.streamLocal("x").name());
    }

    @Test
    void parametersAreParsedAndTheRequestStringKeptWhole() throws Exception {
        String meta = "{\"service\":\"web\",\"project\":\"shop\",\"port\":80}";
        String inject = "[{\"src\":\"https://cdn.example/w.js\",\"async\":true,\"pathRegex\":\"^/app\"}]";
        String path = "/web-80#access=private;meta=" + b64(meta) + ";inject=" + b64(inject);
        TunnelRequest request = TunnelRequest.streamLocal(path);
        assertEquals(path, request.requestString());
        assertEquals("web-80", request.name());
        assertEquals(TunnelAccess.PRIVATE, request.access());
        assertEquals(meta, request.metaJson());
        assertEquals(inject, request.injectJson());
    }

    @Test
    void paddedAndStandardAlphabetBase64AreAccepted() throws Exception {
        String meta = "{\"k\":\"??>\"}"; // encodes with '/' and '+' in the standard alphabet
        String padded = Base64.getEncoder().encodeToString(meta.getBytes(StandardCharsets.UTF_8));
        assertTrue(padded.contains("/") || padded.contains("+") || padded.endsWith("="), padded);
        assertEquals(meta, TunnelRequest.streamLocal("/a#meta=" + padded).metaJson());
    }

    @Test
    void accessPublicIsExplicitlyAllowed() throws Exception {
        assertEquals(TunnelAccess.PUBLIC, TunnelRequest.streamLocal("/a#access=public").access());
    }

    @Test
    void emptyNameIsRefused() {
        assertRefused("/", "no tunnel name");
        assertRefused("", "no tunnel name");
        assertRefused("/#access=public", "no tunnel name");
    }

    @Test
    void unknownKeyIsRefused() {
        assertRefused("/a#acess=private", "unknown parameter 'acess'");
    }

    @Test
    void badAccessValueIsRefused() {
        assertRefused("/a#access=Private", "access 'Private' is not one of: public, private");
        assertRefused("/a#access=", "access '' is not one of");
    }

    @Test
    void malformedParameterListIsRefused() {
        assertRefused("/a#", "empty parameter");
        assertRefused("/a#access=public;", "empty parameter");
        assertRefused("/a#access", "parameter 'access' has no value");
        assertRefused("/a#access=public;access=private", "given twice");
    }

    @Test
    void badBase64IsRefused() {
        assertRefused("/a#meta=%%%", "meta is not valid base64url");
    }

    @Test
    void badJsonIsRefused() {
        assertRefused("/a#meta=" + b64("{\"a\":"), "meta is not valid JSON");
        assertRefused("/a#meta=" + b64("{} trailing"), "meta is not valid JSON");
        assertRefused("/a#inject=" + b64("[{]"), "inject is not valid JSON");
    }

    @Test
    void nonUtf8IsRefused() {
        String bytes = Base64.getUrlEncoder().encodeToString(new byte[] {'{', (byte) 0xC3, '}'});
        assertRefused("/a#meta=" + bytes, "meta is not UTF-8");
    }

    @Test
    void metaMustBeAnObject() {
        assertRefused("/a#meta=" + b64("[1]"), "meta must be a base64url-encoded JSON object");
        assertRefused("/a#meta=" + b64("\"s\""), "meta must be a base64url-encoded JSON object");
    }

    @Test
    void injectMustBeAnArrayOfValidSpecs() {
        assertRefused("/a#inject=" + b64("{\"src\":\"x\"}"), "inject must be a base64url-encoded JSON array");
        assertRefused("/a#inject=" + b64("[1]"), "inject[0] must be an object");
        assertRefused("/a#inject=" + b64("[{\"async\":true}]"), "inject[0].src must be a string");
        assertRefused("/a#inject=" + b64("[{\"src\":\"x\"},{\"src\":1}]"), "inject[1].src must be a string");
        assertRefused("/a#inject=" + b64("[{\"src\":\"x\",\"defer\":\"yes\"}]"), "inject[0].defer must be true or false");
        assertRefused("/a#inject=" + b64("[{\"src\":\"x\",\"async\":null}]"), "inject[0].async must be true or false");
        assertRefused("/a#inject=" + b64("[{\"src\":\"x\",\"pathRegex\":3}]"), "inject[0].pathRegex must be a string");
        assertRefused("/a#inject=" + b64("[{\"src\":\"x\",\"pathRegex\":\"(\"}]"),
                "inject[0].pathRegex is not a valid regular expression");
    }

    @Test
    void emptyInjectArrayAndExtraMembersAreAccepted() throws Exception {
        assertEquals("[]", TunnelRequest.streamLocal("/a#inject=" + b64("[]")).injectJson());
        String withExtra = "[{\"src\":\"x\",\"defer\":false,\"comment\":\"ignored\"}]";
        assertEquals(withExtra, TunnelRequest.streamLocal("/a#inject=" + b64(withExtra)).injectJson());
    }

    @Test
    void refusalMessagesAreOneLine() {
        InvalidTunnelRequestException e = assertThrows(InvalidTunnelRequestException.class,
                () -> TunnelRequest.streamLocal("/a#meta=" + b64("{\n\"a\":\n}")));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void namedTcpipForward() throws Exception {
        TunnelRequest request = TunnelRequest.namedTcpip("myapp", 80);
        assertEquals(ForwardKind.TCPIP, request.kind());
        assertEquals("myapp", request.requestString());
        assertEquals("myapp", request.name());
        assertEquals(80, request.port());
        assertEquals(TunnelAccess.PUBLIC, request.access());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "*", "localhost", "LocalHost", "0.0.0.0", "127.0.0.1", "10.1.2.3", "::", "::1",
            "fe80::1%eth0", "[::1]", "2130706433"})
    void addressesThatMeanBindAPortAreRefused(String bindAddress) {
        InvalidTunnelRequestException e = assertThrows(InvalidTunnelRequestException.class,
                () -> TunnelRequest.namedTcpip(bindAddress, 80));
        assertTrue(e.getMessage().contains("does not open ports"), e.getMessage());
    }

    @Test
    void tcpipNameTakesNoParameters() {
        InvalidTunnelRequestException e = assertThrows(InvalidTunnelRequestException.class,
                () -> TunnelRequest.namedTcpip("myapp#access=private", 80));
        assertTrue(e.getMessage().contains("'#' parameters"), e.getMessage());
    }

    @Test
    void tcpipPortOutOfRangeIsRefused() {
        assertThrows(InvalidTunnelRequestException.class, () -> TunnelRequest.namedTcpip("myapp", 65536));
        assertThrows(InvalidTunnelRequestException.class, () -> TunnelRequest.namedTcpip("myapp", -1));
    }

    @Test
    void sameForwardIsEqualAndOtherParametersAreNot() throws Exception {
        assertEquals(TunnelRequest.streamLocal("/a#access=private"), TunnelRequest.streamLocal("/a#access=private"));
        assertNotEquals(TunnelRequest.streamLocal("/a"), TunnelRequest.streamLocal("/a#access=public"));
        assertNotEquals(TunnelRequest.namedTcpip("a", 80), TunnelRequest.namedTcpip("a", 81));
        assertNotEquals(TunnelRequest.namedTcpip("a", 0), TunnelRequest.streamLocal("a"));
    }

    private static void assertRefused(String socketPath, String messagePart) {
        InvalidTunnelRequestException e = assertThrows(InvalidTunnelRequestException.class,
                () -> TunnelRequest.streamLocal(socketPath));
        assertTrue(e.getMessage().contains(messagePart), () -> "message '" + e.getMessage() + "' lacks '"
                + messagePart + "'");
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
