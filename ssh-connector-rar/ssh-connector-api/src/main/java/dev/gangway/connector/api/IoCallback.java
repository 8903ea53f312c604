package dev.gangway.connector.api;

/** Completion of one asynchronous read or write on a {@link TunnelConnection}. Exactly one method is called once. */
public interface IoCallback<T> {

    void completed(T result);

    void failed(Throwable cause);
}
