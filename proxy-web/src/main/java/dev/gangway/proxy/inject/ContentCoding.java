package dev.gangway.proxy.inject;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The content codings the engine can undo and redo, and the body pipeline for each. */
enum ContentCoding {
    IDENTITY, GZIP, DEFLATE, BR;

    /**
     * The coding named by a response's {@code Content-Encoding} values, or {@code null} when it is one the engine
     * cannot handle or several stacked codings (the response then passes through untouched).
     */
    static ContentCoding of(List<String> contentEncodingValues) {
        List<String> codings = new ArrayList<>(1);
        for (String value : contentEncodingValues) {
            for (String token : value.split(",")) {
                String coding = token.trim().toLowerCase(Locale.ROOT);
                if (!coding.isEmpty() && !coding.equals("identity")) {
                    codings.add(coding);
                }
            }
        }
        if (codings.isEmpty()) {
            return IDENTITY;
        }
        if (codings.size() > 1) {
            return null;
        }
        return switch (codings.get(0)) {
            case "gzip", "x-gzip" -> GZIP;
            case "deflate" -> DEFLATE;
            case "br" -> BR;
            default -> null;
        };
    }

    /** A fresh pipeline that decodes this coding, inserts the scripts and encodes again. */
    BodyStage pipeline(InjectedScripts scripts) throws IOException {
        ScriptInserter inserter = new ScriptInserter(scripts);
        if (this == IDENTITY) {
            return inserter;
        }
        BodyStage decoder = null;
        try {
            decoder = decoder();
            return new ChainedStage(new ChainedStage(decoder, inserter), encoder());
        } catch (IOException | RuntimeException e) {
            // The encoder could not be made: the decoder's native memory must not wait for a finalizer.
            if (decoder != null) {
                decoder.close();
            }
            throw e;
        }
    }

    private BodyStage decoder() throws IOException {
        return switch (this) {
            case GZIP -> new GzipDecoder();
            case DEFLATE -> new DeflateDecoder();
            case BR -> new BrotliDecoder();
            case IDENTITY -> throw new IllegalStateException("identity has no decoder");
        };
    }

    private BodyStage encoder() throws IOException {
        return switch (this) {
            case GZIP -> DeflatingEncoder.gzip();
            case DEFLATE -> DeflatingEncoder.zlib();
            case BR -> new BrotliEncoder();
            case IDENTITY -> throw new IllegalStateException("identity has no encoder");
        };
    }
}
