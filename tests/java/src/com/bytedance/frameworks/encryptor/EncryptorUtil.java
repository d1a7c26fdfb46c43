package com.bytedance.frameworks.encryptor;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * TEST DOUBLE with the class and method name of ByteDance's JNI encryptor (not its algorithm):
 * a real AES-128-CBC of the first {@code len} bytes, the random IV in front. The real method is
 * native; its Java signature ({@code ttEncrypt([BI)[B}) is what the crypto agent hooks.
 */
public final class EncryptorUtil {
    private static final byte[] KEY = "tt-test-double-k".getBytes(StandardCharsets.US_ASCII);

    private EncryptorUtil() {}

    public static byte[] ttEncrypt(byte[] data, int len) {
        try {
            byte[] iv = new byte[16];
            new SecureRandom().nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new IvParameterSpec(iv));
            byte[] ct = c.doFinal(data, 0, len);
            byte[] out = new byte[iv.length + ct.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(ct, 0, out, iv.length, ct.length);
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
