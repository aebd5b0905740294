package io.snapseal.stack.elasticsearch.s3;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.elasticsearch.common.settings.SecureSetting;
import org.elasticsearch.common.settings.SecureString;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Setting.AffixSetting;
import org.elasticsearch.common.settings.Setting.Property;
import org.elasticsearch.common.settings.Settings;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Node-level settings of one named S3 client ({@code s3.client.<name>.*}), read once when the node starts,
 * named as Elasticsearch's own repository-s3 names them (endpoint, protocol, path_style_access, region, and
 * access_key / secret_key in the keystore).
 */
public final class S3ClientSettings {

    private static final String PREFIX = "s3.client.";

    static final AffixSetting<String> ENDPOINT =
            Setting.affixKeySetting(PREFIX, "endpoint", key -> Setting.simpleString(key, Property.NodeScope));
    static final AffixSetting<String> PROTOCOL =
            Setting.affixKeySetting(PREFIX, "protocol", key -> Setting.simpleString(key, "https", Property.NodeScope));
    static final AffixSetting<Boolean> PATH_STYLE_ACCESS =
            Setting.affixKeySetting(PREFIX, "path_style_access", key -> Setting.boolSetting(key, false, Property.NodeScope));
    static final AffixSetting<String> REGION =
            Setting.affixKeySetting(PREFIX, "region", key -> Setting.simpleString(key, "us-east-1", Property.NodeScope));
    static final AffixSetting<SecureString> ACCESS_KEY =
            Setting.affixKeySetting(PREFIX, "access_key", key -> SecureSetting.secureString(key, null));
    static final AffixSetting<SecureString> SECRET_KEY =
            Setting.affixKeySetting(PREFIX, "secret_key", key -> SecureSetting.secureString(key, null));

    public static List<Setting<?>> all() {
        return List.of(ENDPOINT, PROTOCOL, PATH_STYLE_ACCESS, REGION, ACCESS_KEY, SECRET_KEY);
    }

    final String name;
    private final String endpoint;
    private final String protocol;
    private final boolean pathStyleAccess;
    private final String region;
    private final String accessKey;
    private final String secretKey;

    private S3ClientSettings(String name, Settings settings) {
        this.name = name;
        this.endpoint = ENDPOINT.getConcreteSettingForNamespace(name).get(settings);
        this.protocol = PROTOCOL.getConcreteSettingForNamespace(name).get(settings);
        this.pathStyleAccess = PATH_STYLE_ACCESS.getConcreteSettingForNamespace(name).get(settings);
        this.region = REGION.getConcreteSettingForNamespace(name).get(settings);
        try (SecureString access = ACCESS_KEY.getConcreteSettingForNamespace(name).get(settings);
                SecureString secret = SECRET_KEY.getConcreteSettingForNamespace(name).get(settings)) {
            this.accessKey = access.toString();
            this.secretKey = secret.toString();
        }
        if (accessKey.isEmpty() != secretKey.isEmpty()) {
            throw new IllegalArgumentException("s3 client [" + name + "]: access_key and secret_key must be set together");
        }
    }

    /** Every client named in the settings, plus "default" which always exists. */
    public static Map<String, S3ClientSettings> load(Settings settings) {
        List<String> names = new ArrayList<>();
        names.add("default");
        for (AffixSetting<?> s : List.of(ENDPOINT, PROTOCOL, PATH_STYLE_ACCESS, REGION, ACCESS_KEY, SECRET_KEY)) {
            for (String ns : s.getNamespaces(settings)) {
                if (!names.contains(ns)) {
                    names.add(ns);
                }
            }
        }
        Map<String, S3ClientSettings> clients = new HashMap<>();
        for (String n : names) {
            clients.put(n, new S3ClientSettings(n, settings));
        }
        return clients;
    }

    public S3Client buildClient() {
        AwsCredentialsProvider credentials = accessKey.isEmpty()
                ? DefaultCredentialsProvider.create()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(credentials)
                .region(Region.of(region))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyleAccess).build())
                // MinIO and other S3 look-alikes do not all accept the newer default checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (endpoint != null && !endpoint.isEmpty()) {
            builder.endpointOverride(URI.create(endpoint.contains("://") ? endpoint : protocol + "://" + endpoint));
        }
        return builder.build();
    }
}
