package dev.gangway.proxy.inject;

/**
 * One step of a body pipeline (decoder, script inserter, encoder), with the {@link BodyTransformer} contract plus
 * a flush. {@link #poll()} returns {@code null} only when {@link #needsInput()} or {@link #isFinished()}.
 */
interface BodyStage extends BodyTransformer {

    /**
     * Everything offered so far should reach the output now, not wait for more input: the stage before ran dry
     * because the service has sent nothing more yet. Only encoders hold output back; for them this is a flush.
     */
    default void flush() {
    }
}
