package io.snapseal.stack;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.opensearch.common.settings.SecureSettings;
import org.opensearch.core.common.settings.SecureString;

/** Secure settings held in memory, standing in for an opensearch.keystore file. */
final class InMemorySecureSettings implements SecureSettings {

    private final Map<String, String> values = new LinkedHashMap<>();

    InMemorySecureSettings put(String name, String value) {
        values.put(name, value);
        return this;
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    @Override
    public boolean isLoaded() {
        return true;
    }

    @Override
    public Set<String> getSettingNames() {
        return values.keySet();
    }

    @Override
    public SecureString getString(String setting) {
        String value = values.get(setting);
        return value == null ? null : new SecureString(value.toCharArray());
    }

    @Override
    public InputStream getFile(String setting) {
        String value = values.get(setting);
        return value == null ? null : new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] getSHA256Digest(String setting) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(values.get(setting).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        // kept for the life of the process: the node may read secure settings again on reload
    }
}
