package dev.gangway.connector.ssh;

import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;

import java.util.ArrayList;
import java.util.List;

/** The algorithm lists the server offers. */
final class SshAlgorithms {

    private SshAlgorithms() {
    }

    /**
     * Signatures for the host key and for client authentication (PROTOCOL.md "Keys"): no certificates, no FIDO
     * ({@code sk-*}) keys, and SHA-1 {@code ssh-rsa} only when the operator allows it.
     */
    static List<NamedFactory<Signature>> signatures(boolean allowSha1Rsa) {
        List<BuiltinSignatures> wanted = new ArrayList<>(List.of(BuiltinSignatures.ed25519,
                BuiltinSignatures.nistp256, BuiltinSignatures.nistp384, BuiltinSignatures.nistp521,
                BuiltinSignatures.rsaSHA512, BuiltinSignatures.rsaSHA256));
        if (allowSha1Rsa) {
            wanted.add(BuiltinSignatures.rsa);
        }
        return supported(wanted);
    }

    /**
     * The ciphers offered when the operator names none. The client's order decides the negotiation: a stock OpenSSH
     * client proposes {@code chacha20-poly1305@openssh.com} first, then AES-CTR, then AES-GCM. MINA's ChaCha20 is its
     * own pure-Java code without the JDK's intrinsics and reached about half of OpenSSH + nginx's throughput, so it is
     * left out; such a client then gets {@code aes128-ctr} (JDK AES intrinsics, HMAC-SHA2 ETM), which measured
     * fastest of all here (benchmark/RESULTS.md), and GCM stays for clients that prefer it.
     */
    static final List<String> DEFAULT_CIPHERS = List.of(BuiltinCiphers.aes128ctr.getName(),
            BuiltinCiphers.aes192ctr.getName(), BuiltinCiphers.aes256ctr.getName(), BuiltinCiphers.aes128gcm.getName(),
            BuiltinCiphers.aes256gcm.getName());

    /**
     * The named ciphers, in the operator's order.
     *
     * @throws IllegalArgumentException naming an unknown or unsupported cipher and the ones that are available
     */
    static List<NamedFactory<Cipher>> ciphers(List<String> names) {
        List<NamedFactory<Cipher>> result = new ArrayList<>();
        for (String name : names) {
            BuiltinCiphers cipher = BuiltinCiphers.fromFactoryName(name);
            if (cipher == null || !cipher.isSupported() || cipher == BuiltinCiphers.none) {
                throw new IllegalArgumentException("sshCiphers: '" + name + "' is not a cipher this server supports; "
                        + "choose from " + availableCiphers());
            }
            result.add(cipher);
        }
        return result;
    }

    private static String availableCiphers() {
        List<String> names = new ArrayList<>();
        for (BuiltinCiphers cipher : BuiltinCiphers.VALUES) {
            if (cipher.isSupported() && cipher != BuiltinCiphers.none) {
                names.add(cipher.getName());
            }
        }
        return String.join(", ", names);
    }

    private static <T, F extends NamedFactory<T>> List<NamedFactory<T>> supported(List<? extends F> wanted) {
        List<NamedFactory<T>> result = new ArrayList<>();
        for (F factory : wanted) {
            if (!(factory instanceof org.apache.sshd.common.OptionalFeature)
                    || ((org.apache.sshd.common.OptionalFeature) factory).isSupported()) {
                result.add(factory);
            }
        }
        return result;
    }
}
