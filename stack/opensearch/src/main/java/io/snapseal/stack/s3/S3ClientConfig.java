package io.snapseal.stack.s3;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.opensearch.common.settings.SecureSetting;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Setting.AffixSetting;
import org.opensearch.common.settings.Setting.Property;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.settings.SecureString;

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
 * Node-level settings of one named S3 client ({@code s3.client.<name>.*}), read once when the
 * node starts. The names follow the ones of the upstream repository-s3 plugin, so a node
 * configuration written for it works here too.
 */
final class S3ClientConfig {

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

    static List<Setting<?>> all() {
        return List.of(ENDPOINT, PROTOCOL, PATH_STYLE_ACCESS, REGION, ACCESS_KEY, SECRET_KEY);
    }

    final String name;
    final String endpoint;
    final String protocol;
    final boolean pathStyleAccess;
    final String region;
    private final String accessKey;
    private final String secretKey;

    private S3ClientConfig(String name, Settings settings) {
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
    static Map<String, S3ClientConfig> load(Settings settings) {
        List<String> names = new ArrayList<>();
        names.add("default");
        for (AffixSetting<?> s : List.of(ENDPOINT, PROTOCOL, PATH_STYLE_ACCESS, REGION, ACCESS_KEY, SECRET_KEY)) {
            for (String ns : s.getNamespaces(settings)) {
                if (!names.contains(ns)) {
                    names.add(ns);
                }
            }
        }
        Map<String, S3ClientConfig> configs = new HashMap<>();
        for (String n : names) {
            configs.put(n, new S3ClientConfig(n, settings));
        }
        return configs;
    }

    S3Client buildClient() {
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
