package dev.gangway.accounts.authority;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.ClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;

import dev.gangway.accounts.identity.SignedInPerson;
import dev.gangway.accounts.signin.OidcClientSettings;
import dev.gangway.accounts.signin.SignedInPeople;

/**
 * Asks the identity provider whether a person still stands, through OAuth 2.0's refresh-token grant (RFC 6749
 * section 6) as the confidential client WildFly signs people in with. The protocol is Nimbus's: discovery of the
 * token endpoint and JWKS from the issuer, the grant, its error codes, and the refreshed ID token's verification
 * (signature against the provider's JWKS, issuer, audience, expiry); the person's groups are read from that token, or
 * from UserInfo when the provider issues no new ID token on refresh (OpenID Connect Core 12.2 allows either).
 *
 * <p>Blocking HTTP: call it on a managed worker thread, never on an SSH or HTTP I/O thread. Each request is bounded by
 * {@link #CONNECT_TIMEOUT_MS} and {@link #READ_TIMEOUT_MS}.
 */
final class ProviderClient {

    static final int CONNECT_TIMEOUT_MS = 5_000;
    static final int READ_TIMEOUT_MS = 10_000;
    /** A JWKS is a few kilobytes; anything far larger is not one. */
    private static final int JWKS_SIZE_LIMIT = 512 * 1024;

    private final OidcClientSettings client;
    private final String groupsClaim;
    private final String adminGroup;
    private volatile Provider provider;

    /** What discovery found, with the validator built for it (it caches the JWKS). */
    private record Provider(OIDCProviderMetadata metadata, IDTokenValidator validator, ClientAuthentication auth) {
    }

    ProviderClient(OidcClientSettings client, String groupsClaim, String adminGroup) {
        this.client = client;
        this.groupsClaim = groupsClaim;
        this.adminGroup = adminGroup;
    }

    URI issuer() {
        return client.issuer();
    }

    /**
     * Presents {@code refreshToken} for the person with {@code subject}.
     *
     * @return {@link RefreshResult.Confirmed} with the person's current claims, {@link RefreshResult.Refused} when the
     *         provider says {@code invalid_grant}, else {@link RefreshResult.Unavailable}
     */
    RefreshResult refresh(String subject, String refreshToken) {
        Provider op;
        try {
            op = provider();
        } catch (IOException | GeneralException e) {
            return new RefreshResult.Unavailable("discovery at " + client.issuer() + " failed: " + e.getMessage());
        }
        TokenResponse response;
        try {
            HTTPRequest request = new TokenRequest(op.metadata().getTokenEndpointURI(), op.auth(),
                    new RefreshTokenGrant(new RefreshToken(refreshToken))).toHTTPRequest();
            response = OIDCTokenResponseParser.parse(send(request));
        } catch (IOException e) {
            return new RefreshResult.Unavailable("token endpoint " + op.metadata().getTokenEndpointURI()
                    + " unreachable: " + e);
        } catch (ParseException e) {
            return new RefreshResult.Unavailable("token endpoint answered something that is no token response: "
                    + e.getMessage());
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = response.toErrorResponse().getErrorObject();
            String reason = error.getCode() + (error.getDescription() == null ? "" : ": " + error.getDescription());
            // Only invalid_grant is about the person (RFC 6749 5.2); invalid_client, unauthorized_client, a server
            // error or an HTTP error without a code are about this server or the provider, and must not lock anyone out.
            return OAuth2Error.INVALID_GRANT.getCode().equals(error.getCode()) ? new RefreshResult.Refused(reason)
                    : new RefreshResult.Unavailable("token endpoint refused this client (HTTP "
                    + error.getHTTPStatusCode() + " " + reason + ")");
        }
        OIDCTokenResponse tokens = (OIDCTokenResponse) response.toSuccessResponse();
        RefreshToken rotated = tokens.getOIDCTokens().getRefreshToken();
        String newToken = rotated == null ? null : rotated.getValue();
        try {
            ClaimsSet claims = claims(op, tokens.getOIDCTokens().getIDToken(), tokens.getOIDCTokens().getAccessToken());
            if (!subject.equals(claims.getStringClaim("sub"))) {
                return new RefreshResult.Unavailable("the refreshed token names another subject than " + subject);
            }
            List<String> groups = claims.getStringListClaim(groupsClaim);
            SignedInPerson person = SignedInPeople.person(subject, claims.getStringClaim("preferred_username"),
                    claims.getStringClaim("email"), groups, adminGroup);
            return new RefreshResult.Confirmed(person, newToken);
        } catch (BadJOSEException | JOSEException e) {
            return new RefreshResult.Unavailable("the refreshed ID token failed verification: " + e.getMessage());
        } catch (IOException e) {
            return new RefreshResult.Unavailable("UserInfo endpoint unreachable: " + e);
        } catch (ParseException e) {
            return new RefreshResult.Unavailable("the provider's answer could not be read: " + e.getMessage());
        }
    }

    /** The verified ID token's claims, or UserInfo's for a provider that issues none on refresh. */
    private ClaimsSet claims(Provider op, JWT idToken, AccessToken accessToken)
            throws BadJOSEException, JOSEException, IOException, ParseException {
        if (idToken != null) {
            IDTokenClaimsSet verified = op.validator().validate(idToken, null);
            return verified;
        }
        URI userInfo = op.metadata().getUserInfoEndpointURI();
        if (userInfo == null) {
            throw new ParseException("the provider returned no ID token on refresh and has no UserInfo endpoint");
        }
        UserInfoResponse response = UserInfoResponse.parse(send(new UserInfoRequest(userInfo, accessToken)
                .toHTTPRequest()));
        if (!response.indicatesSuccess()) {
            throw new ParseException("UserInfo refused the refreshed access token: "
                    + response.toErrorResponse().getErrorObject());
        }
        return response.toSuccessResponse().getUserInfo();
    }

    private Provider provider() throws IOException, GeneralException {
        Provider known = provider;
        if (known != null) {
            return known;
        }
        Issuer issuer = new Issuer(client.issuer());
        OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(issuer, CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS);
        // RS256 is the algorithm OpenID Connect requires of every provider, and what a client that registered none
        // gets (Core 3.1.3.7, Registration 2: id_token_signed_response_alg).
        IDTokenValidator validator = new IDTokenValidator(issuer, new ClientID(client.clientId()), JWSAlgorithm.RS256,
                metadata.getJWKSetURI().toURL(),
                new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, JWKS_SIZE_LIMIT));
        known = new Provider(metadata, validator, authentication(metadata));
        provider = known;
        return known;
    }

    /** client_secret_basic, the default (RFC 8414 2), unless the provider lists only client_secret_post. */
    private ClientAuthentication authentication(OIDCProviderMetadata metadata) {
        ClientID id = new ClientID(client.clientId());
        Secret secret = new Secret(client.secret());
        List<ClientAuthenticationMethod> methods = metadata.getTokenEndpointAuthMethods();
        if (methods != null && !methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                && methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST)) {
            return new ClientSecretPost(id, secret);
        }
        return new ClientSecretBasic(id, secret);
    }

    private static HTTPResponse send(HTTPRequest request) throws IOException {
        request.setConnectTimeout(CONNECT_TIMEOUT_MS);
        request.setReadTimeout(READ_TIMEOUT_MS);
        return request.send();
    }
}
