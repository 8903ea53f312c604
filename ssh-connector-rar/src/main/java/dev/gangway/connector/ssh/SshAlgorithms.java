package dev.gangway.connector.ssh;

import org.apache.sshd.common.BaseBuilder;
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
     * MINA's default cipher list for now, with AES-GCM and AES-CTR guaranteed; the benchmark decides the final list.
     * Note that MINA's {@code chacha20-poly1305@openssh.com} is its own pure-Java code, without the JDK's intrinsics,
     * and a stock OpenSSH client proposes it first: only leaving it out of this list changes what such a client
     * negotiates.
     */
    static List<NamedFactory<Cipher>> ciphers() {
        List<BuiltinCiphers> wanted = new ArrayList<>(BaseBuilder.DEFAULT_CIPHERS_PREFERENCE);
        for (BuiltinCiphers required : List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm,
                BuiltinCiphers.aes128ctr, BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr)) {
            if (!wanted.contains(required)) {
                wanted.add(required);
            }
        }
        return supported(wanted);
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
