package dev.gangway.connector.ssh;

import dev.gangway.connector.tunnel.ForwardKind;
import dev.gangway.connector.tunnel.TunnelRequest;
import org.apache.sshd.client.channel.AbstractClientChannel;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.ChannelAsyncInputStream;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.DefaultCloseFuture;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;

import java.io.IOException;

/**
 * A channel the server opens to the tunnel client for one visitor stream: {@code forwarded-streamlocal@openssh.com}
 * (socket path = the original request string, {@code #…} included, so that OpenSSH matches it to its {@code -R}
 * spec) or {@code forwarded-tcpip} (the bind address and port of the named forward). Nothing is bound on the server:
 * the "originator" of a forwarded-tcpip channel is reported as 127.0.0.1 port 0.
 *
 * <p>Always in asynchronous streaming mode. Received data is held in a {@link ChannelAsyncInputStream}, which returns
 * SSH window to the client only as the reader consumes it, so a reader that stops reading stops the client once the
 * local window is used up.
 */
final class ForwardedChannel extends AbstractClientChannel {

    static final String STREAMLOCAL_TYPE = "forwarded-streamlocal@openssh.com";
    static final String TCPIP_TYPE = "forwarded-tcpip";

    private final TunnelRequest request;

    ForwardedChannel(TunnelRequest request) {
        super(request.kind() == ForwardKind.STREAMLOCAL ? STREAMLOCAL_TYPE : TCPIP_TYPE);
        this.request = request;
        setStreaming(StreamingChannel.Streaming.Async);
    }

    TunnelRequest request() {
        return request;
    }

    ChannelAsyncOutputStream output() {
        return asyncIn;
    }

    ChannelAsyncInputStream input() {
        return asyncOut;
    }

    @Override
    public synchronized OpenFuture open() throws IOException {
        if (isClosing()) {
            throw new SshException("the SSH connection is closing");
        }
        openFuture = new DefaultOpenFuture(this.toString(), futureLock);
        LocalWindow window = getLocalWindow();
        String type = getChannelType();
        String target = request.requestString();
        Buffer buffer = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN,
                type.length() + target.length() + 64);
        buffer.putString(type);
        buffer.putUInt(getChannelId());
        buffer.putUInt(window.getSize());
        buffer.putUInt(window.getPacketSize());
        if (request.kind() == ForwardKind.STREAMLOCAL) {
            buffer.putString(target);
            buffer.putString(""); // reserved (OpenSSH PROTOCOL 2.4)
        } else {
            buffer.putString(target);
            buffer.putUInt(request.port());
            buffer.putString("127.0.0.1");
            buffer.putUInt(0);
        }
        writePacket(buffer);
        return openFuture;
    }

    @Override
    protected synchronized void doOpen() throws IOException {
        asyncIn = new ChannelAsyncOutputStream(this, SshConstants.SSH_MSG_CHANNEL_DATA) {
            /** Half-close: once the last write is out, EOF tells the client's service the request has ended. */
            @Override
            protected CloseFuture doCloseGracefully() {
                DefaultCloseFuture result = new DefaultCloseFuture(getChannelId(), futureLock);
                super.doCloseGracefully().addListener(written -> {
                    try {
                        IoWriteFuture eof = sendEof();
                        if (eof != null) {
                            eof.addListener(f -> result.setClosed());
                            return;
                        }
                    } catch (IOException | RuntimeException e) {
                        getSession().exceptionCaught(e);
                    }
                    result.setClosed();
                });
                return result;
            }
        };
        asyncOut = new ChannelAsyncInputStream(this);
    }

    /** The client's service ended its response: readers drain what is buffered, then see end of stream. */
    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        ChannelAsyncInputStream in = asyncOut;
        if (in != null) {
            in.close(false);
        }
    }

    /** Forwarded channels have no stderr; anything sent there is dropped, its window given back. */
    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        getLocalWindow().release(len);
    }
}
