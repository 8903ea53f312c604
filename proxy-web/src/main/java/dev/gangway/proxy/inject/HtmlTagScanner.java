package dev.gangway.proxy.inject;

/**
 * Finds, one byte at a time, where scripts go in an HTML document: right after the {@code <head …>} start tag, or
 * else before a {@code <body} start tag or a {@code </html} end tag, whichever comes first, as Preevy's
 * htmlparser2-based detector does. It follows just enough of the HTML tokenizer (WHATWG §13.2.5) to not be fooled:
 * comments and doctypes are skipped, quoted attribute values may hold {@code >}, the text of {@code script},
 * {@code style}, {@code title}, {@code textarea} and friends is not markup, names are case-insensitive and
 * {@code <header>} is not {@code <head>}.
 *
 * <p>It works on bytes, which is exact for ASCII-compatible encodings: in UTF-8, the ISO-8859 and windows-125x
 * families, and the East Asian multi-byte encodings it is used with, the bytes of {@code < / > = " '}, white space
 * and ASCII letters never occur inside a multi-byte character. A document starting with a UTF-16 or UTF-32
 * byte-order mark, or with a NUL byte, is not in such an encoding, and disables insertion.
 *
 * <p>For a {@code <body} or {@code </html} insertion the scanner must see the name before it knows that the
 * scripts go before the {@code <}, so from a {@code <} that could begin one of them it asks the caller to hold
 * the bytes back ({@link #HOLD}) until it knows ({@link #RELEASE} or {@link #INSERT_BEFORE_HOLD}); that is at most
 * six bytes.
 */
final class HtmlTagScanner {

    /** Nothing changes for the bytes held back so far, if any; this byte follows them. */
    static final int CONTINUE = 0;
    /** Release what is held back, if anything; this byte (a {@code <}) starts a new hold. */
    static final int HOLD = 1;
    /** The bytes held back and this one are ordinary content. */
    static final int RELEASE = 2;
    /** Insert {@code <head>scripts</head>} before the held-back bytes (which begin a body or /html tag). */
    static final int INSERT_BEFORE_HOLD = 3;
    /** Insert the scripts right after this byte, the {@code >} of the head start tag. */
    static final int INSERT_AFTER = 4;
    /** The document is not in an ASCII-compatible encoding: insert nothing, anywhere. */
    static final int DISABLE = 5;

    private static final int MAX_NAME = 10;

    /** Elements whose content the tokenizer reads as text up to the matching end tag (RAWTEXT and RCDATA). */
    private static final String[] TEXT_ELEMENTS = {
        "script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes"};

    private enum State {
        FIRST_BYTE, AFTER_BOM_START, DATA, TAG_OPEN, END_TAG_OPEN, TAG_NAME, BEFORE_ATTRIBUTE_NAME, ATTRIBUTE_NAME,
        AFTER_ATTRIBUTE_NAME, BEFORE_ATTRIBUTE_VALUE, DOUBLE_QUOTED, SINGLE_QUOTED, UNQUOTED, MARKUP_DECLARATION,
        COMMENT, BOGUS_COMMENT, TEXT, TEXT_LESS_THAN, TEXT_END_TAG_NAME, PLAINTEXT
    }

    private State state = State.FIRST_BYTE;
    /** The document's first byte, when it may begin a UTF-16 byte-order mark. */
    private byte bomStart;
    private final char[] name = new char[MAX_NAME];
    private int nameLength;
    /** The tag name ran past {@link #MAX_NAME}: it is none of the names that matter here. */
    private boolean nameOverflow;
    private boolean endTag;
    private boolean holding;
    /** The tag being read is a head start tag: insert after its {@code >}. */
    private boolean headTag;
    /** After this start tag ends, its content is text up to {@link #textElement}'s end tag. */
    private String textElement;
    private String pendingTextElement;
    private int matched;
    private int dashes;

    /** Feeds the next byte of the document; returns one of the action constants. */
    int feed(byte b) {
        switch (state) {
            case FIRST_BYTE:
                return firstByte(b);
            case AFTER_BOM_START:
                return afterBomStart(b);
            case DATA:
                return data(b);
            case TAG_OPEN:
                return tagOpen(b);
            case END_TAG_OPEN:
                return endTagOpen(b);
            case TAG_NAME:
                return tagName(b);
            case BEFORE_ATTRIBUTE_NAME:
                return beforeAttributeName(b);
            case ATTRIBUTE_NAME:
                return attributeName(b);
            case AFTER_ATTRIBUTE_NAME:
                return afterAttributeName(b);
            case BEFORE_ATTRIBUTE_VALUE:
                return beforeAttributeValue(b);
            case DOUBLE_QUOTED:
                return quoted(b, '"');
            case SINGLE_QUOTED:
                return quoted(b, '\'');
            case UNQUOTED:
                return unquoted(b);
            case MARKUP_DECLARATION:
                return markupDeclaration(b);
            case COMMENT:
                return comment(b);
            case BOGUS_COMMENT:
                if (b == '>') {
                    state = State.DATA;
                }
                return CONTINUE;
            case TEXT:
                return text(b);
            case TEXT_LESS_THAN:
                return textLessThan(b);
            case TEXT_END_TAG_NAME:
                return textEndTagName(b);
            case PLAINTEXT:
                return CONTINUE;
            default:
                throw new IllegalStateException(state.name());
        }
    }

    private int firstByte(byte b) {
        if (b == 0) {
            return DISABLE;
        }
        if (b == (byte) 0xFE || b == (byte) 0xFF) {
            bomStart = b;
            state = State.AFTER_BOM_START;
            return CONTINUE;
        }
        state = State.DATA;
        return data(b);
    }

    private int afterBomStart(byte b) {
        // FE FF is UTF-16BE's mark, FF FE UTF-16LE's (and the start of UTF-32LE's).
        if ((bomStart == (byte) 0xFE && b == (byte) 0xFF) || (bomStart == (byte) 0xFF && b == (byte) 0xFE)) {
            return DISABLE;
        }
        state = State.DATA;
        return data(b);
    }

    private int data(byte b) {
        if (b == '<') {
            state = State.TAG_OPEN;
            return hold();
        }
        return CONTINUE;
    }

    private int tagOpen(byte b) {
        if (isLetter(b)) {
            startName(false);
            return appendNameByte(b);
        }
        if (b == '/') {
            state = State.END_TAG_OPEN;
            return CONTINUE;
        }
        if (b == '!') {
            state = State.MARKUP_DECLARATION;
            dashes = 0;
            return release();
        }
        if (b == '?') {
            state = State.BOGUS_COMMENT;
            return release();
        }
        state = State.DATA;
        return reconsumeInData(b);
    }

    private int endTagOpen(byte b) {
        if (isLetter(b)) {
            startName(true);
            return appendNameByte(b);
        }
        // "</>" is dropped, anything else after "</" starts a bogus comment; neither can be </html.
        state = b == '>' ? State.DATA : State.BOGUS_COMMENT;
        return release();
    }

    private void startName(boolean end) {
        state = State.TAG_NAME;
        endTag = end;
        nameLength = 0;
        nameOverflow = false;
        headTag = false;
        pendingTextElement = null;
    }

    private int tagName(byte b) {
        if (isSpace(b) || b == '/' || b == '>') {
            int action = nameEnded();
            if (b == '>') {
                int end = tagEnded();
                return action == CONTINUE ? end : action;
            }
            state = State.BEFORE_ATTRIBUTE_NAME;
            return action;
        }
        return appendNameByte(b);
    }

    private int appendNameByte(byte b) {
        if (nameLength == MAX_NAME) {
            nameOverflow = true;
        } else {
            name[nameLength++] = lower(b);
        }
        if (holding && !nameCouldBe(endTag ? "html" : "body")) {
            return release();
        }
        return CONTINUE;
    }

    /** The whole tag name is known; the byte after it was not yet looked at. */
    private int nameEnded() {
        if (nameOverflow) {
            return holding ? release() : CONTINUE;
        }
        if (!endTag && nameIs("head")) {
            headTag = true;
        } else if (!endTag && nameIs("plaintext")) {
            pendingTextElement = "plaintext";
        } else if (!endTag) {
            for (String element : TEXT_ELEMENTS) {
                if (nameIs(element)) {
                    pendingTextElement = element;
                }
            }
        }
        if (holding && nameIs(endTag ? "html" : "body")) {
            holding = false;
            return INSERT_BEFORE_HOLD;
        }
        return holding ? release() : CONTINUE;
    }

    /** The {@code >} that ends a tag was just fed. */
    private int tagEnded() {
        state = State.DATA;
        if (pendingTextElement != null) {
            textElement = pendingTextElement;
            pendingTextElement = null;
            state = textElement.equals("plaintext") ? State.PLAINTEXT : State.TEXT;
        }
        if (headTag) {
            headTag = false;
            return INSERT_AFTER;
        }
        return CONTINUE;
    }

    private int beforeAttributeName(byte b) {
        if (b == '>') {
            return tagEnded();
        }
        if (!isSpace(b) && b != '/') {
            state = State.ATTRIBUTE_NAME;
        }
        return CONTINUE;
    }

    private int attributeName(byte b) {
        if (b == '>') {
            return tagEnded();
        }
        if (isSpace(b)) {
            state = State.AFTER_ATTRIBUTE_NAME;
        } else if (b == '/') {
            state = State.BEFORE_ATTRIBUTE_NAME;
        } else if (b == '=') {
            state = State.BEFORE_ATTRIBUTE_VALUE;
        }
        return CONTINUE;
    }

    private int afterAttributeName(byte b) {
        if (b == '>') {
            return tagEnded();
        }
        if (b == '=') {
            state = State.BEFORE_ATTRIBUTE_VALUE;
        } else if (b == '/') {
            state = State.BEFORE_ATTRIBUTE_NAME;
        } else if (!isSpace(b)) {
            state = State.ATTRIBUTE_NAME;
        }
        return CONTINUE;
    }

    private int beforeAttributeValue(byte b) {
        if (b == '>') {
            return tagEnded();
        }
        if (b == '"') {
            state = State.DOUBLE_QUOTED;
        } else if (b == '\'') {
            state = State.SINGLE_QUOTED;
        } else if (!isSpace(b)) {
            state = State.UNQUOTED;
        }
        return CONTINUE;
    }

    private int quoted(byte b, char quote) {
        if (b == quote) {
            state = State.BEFORE_ATTRIBUTE_NAME;
        }
        return CONTINUE;
    }

    private int unquoted(byte b) {
        if (b == '>') {
            return tagEnded();
        }
        if (isSpace(b)) {
            state = State.BEFORE_ATTRIBUTE_NAME;
        }
        return CONTINUE;
    }

    private int markupDeclaration(byte b) {
        // "<!--" opens a comment; "<!DOCTYPE …>", "<![CDATA[…]>" and the rest end at the next ">".
        if (b == '-' && dashes == 0) {
            dashes = 1;
            return CONTINUE;
        }
        if (b == '-') {
            state = State.COMMENT;
            // Counting the opening dashes makes "<!-->" and "<!--->" end at once, as the tokenizer has it.
            dashes = 2;
            return CONTINUE;
        }
        state = b == '>' ? State.DATA : State.BOGUS_COMMENT;
        return CONTINUE;
    }

    private int comment(byte b) {
        if (b == '-') {
            dashes++;
        } else if (b == '>' && dashes >= 2) {
            state = State.DATA;
        } else {
            dashes = 0;
        }
        return CONTINUE;
    }

    private int text(byte b) {
        if (b == '<') {
            state = State.TEXT_LESS_THAN;
        }
        return CONTINUE;
    }

    private int textLessThan(byte b) {
        if (b == '/') {
            state = State.TEXT_END_TAG_NAME;
            matched = 0;
            return CONTINUE;
        }
        state = State.TEXT;
        return text(b);
    }

    private int textEndTagName(byte b) {
        if (matched == textElement.length() && (isSpace(b) || b == '/' || b == '>')) {
            // The element's end tag: markup again after its '>' (its attributes, if any, are skipped as usual).
            textElement = null;
            headTag = false;
            pendingTextElement = null;
            state = State.BEFORE_ATTRIBUTE_NAME;
            return b == '>' ? tagEnded() : CONTINUE;
        }
        if (matched < textElement.length() && lower(b) == textElement.charAt(matched)) {
            matched++;
            return CONTINUE;
        }
        state = State.TEXT;
        return text(b);
    }

    private int hold() {
        holding = true;
        return HOLD;
    }

    private int release() {
        if (holding) {
            holding = false;
            return RELEASE;
        }
        return CONTINUE;
    }

    /** A byte that ended a {@code <} without a tag is looked at again as content (it may be another {@code <}). */
    private int reconsumeInData(byte b) {
        int action = data(b);
        if (action == HOLD) {
            return HOLD;
        }
        holding = false;
        return RELEASE;
    }

    private boolean nameCouldBe(String wanted) {
        if (nameOverflow || nameLength > wanted.length()) {
            return false;
        }
        for (int i = 0; i < nameLength; i++) {
            if (name[i] != wanted.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean nameIs(String wanted) {
        return !nameOverflow && nameLength == wanted.length() && nameCouldBe(wanted);
    }

    private static boolean isLetter(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\f' || b == '\r';
    }

    private static char lower(byte b) {
        return (char) (b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b & 0xFF);
    }
}
