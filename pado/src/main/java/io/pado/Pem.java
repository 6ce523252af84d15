package io.pado;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reads PEM files (RFC 7468): X.509 certificates and unencrypted PKCS#8 private keys. */
final class Pem {
    /** The key algorithms a PKCS#8 key is tried with, most common first. */
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"};
    /** PEM files are small; a bigger one is a mistake (a wrong path), not a certificate. */
    private static final long MAX_PEM_BYTES = 1 << 20;

    private Pem() {
    }

    /** The certificates of {@code path}, in file order (a chain: the server's own first). */
    static List<Certificate> certificates(Path path) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<Certificate> chain = new ArrayList<>();
        for (byte[] der : blocks(read(path), "CERTIFICATE")) {
            chain.add(factory.generateCertificate(new ByteArrayInputStream(der)));
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no CERTIFICATE block in " + path);
        }
        return chain;
    }

    /** The one unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}) of {@code path}. */
    static PrivateKey privateKey(Path path) throws IOException, GeneralSecurityException {
        String text = read(path);
        List<byte[]> keys = blocks(text, "PRIVATE KEY");
        if (keys.size() != 1) {
            String hint = text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
                    ? " (found a PKCS#1/SEC1 key: convert it with 'openssl pkcs8 -topk8 -nocrypt')"
                    : text.contains("BEGIN ENCRYPTED PRIVATE KEY") ? " (found an encrypted key: decrypt it first)" : "";
            throw new GeneralSecurityException("need exactly one PRIVATE KEY block in " + path + hint);
        }
        var spec = new PKCS8EncodedKeySpec(keys.get(0));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // not this algorithm: try the next
            }
        }
        throw new GeneralSecurityException("unsupported private key algorithm in " + path);
    }

    private static String read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_PEM_BYTES) {
            throw new IOException("not a PEM file, " + size + " bytes: " + path);
        }
        return Files.readString(path, StandardCharsets.US_ASCII);
    }

    /** The decoded contents of every {@code -----BEGIN label-----} block, in order. */
    static List<byte[]> blocks(String text, String label) throws GeneralSecurityException {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        List<byte[]> blocks = new ArrayList<>();
        int from = 0;
        while (true) {
            int b = text.indexOf(begin, from);
            if (b < 0) {
                return blocks;
            }
            int e = text.indexOf(end, b);
            if (e < 0) {
                throw new GeneralSecurityException("unterminated PEM block " + label);
            }
            String base64 = text.substring(b + begin.length(), e);
            try {
                blocks.add(Base64.getMimeDecoder().decode(base64));
            } catch (IllegalArgumentException ex) {
                throw new GeneralSecurityException("bad base64 in PEM block " + label, ex);
            }
            from = e + end.length();
        }
    }
}
