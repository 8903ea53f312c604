package dev.gangway.accounts.signin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import dev.gangway.accounts.identity.SignedInPerson;
import org.junit.jupiter.api.Test;

class SignedInPeopleTest {

    @Test
    void adminAndAllowedComeFromTheGroups() {
        SignedInPerson ada = SignedInPeople.person("s-1", "ada", "ada@example.com",
                List.of("gangway-users", "gangway-admins", "gangway-users"), "gangway-admins");
        assertEquals(List.of("gangway-users", "gangway-admins"), ada.groups());
        assertTrue(ada.admin());
        assertTrue(SignedInPeople.allowed(ada, "gangway-users"));
        assertFalse(SignedInPeople.allowed(ada, "other"));
    }

    @Test
    void noGroupsClaimMeansNoGroupsAndTheSubjectStandsInForAMissingName() {
        SignedInPerson carol = SignedInPeople.person("s-2", null, null, null, "gangway-admins");
        assertEquals("s-2", carol.displayName());
        assertEquals(List.of(), carol.groups());
        assertFalse(carol.admin());
        assertFalse(SignedInPeople.allowed(carol, "gangway-users"));
    }

    @Test
    void pageEscapesWhatTheProviderSent() {
        SignedInPerson mallory = SignedInPeople.person("s-3", "<script>x</script>", "a\"b@example.com",
                List.of("g&h"), "admins");
        String html = AccountPage.render(mallory, false, dev.gangway.connector.api.SsoSettings.off(), "gw.test");
        assertFalse(html.contains("<script>x"), html);
        assertTrue(html.contains("&lt;script&gt;x&lt;/script&gt;"), html);
        assertTrue(html.contains("a&quot;b@example.com"), html);
        assertTrue(html.contains("g&amp;h"), html);
        assertTrue(html.contains("id=\"not-allowed\""), html);
    }
}
