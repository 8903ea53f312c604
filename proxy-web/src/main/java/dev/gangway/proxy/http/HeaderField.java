package dev.gangway.proxy.http;

import java.util.Objects;

/** One header line as it travels: name as sent (case kept), value trimmed. */
public record HeaderField(String name, String value) {

    public HeaderField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    public boolean is(String otherName) {
        return name.equalsIgnoreCase(otherName);
    }
}
