package io.snapseal.stack.s3;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.env.Environment;
import org.opensearch.indices.recovery.RecoverySettings;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.RepositoryPlugin;
import org.opensearch.repositories.Repository;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * Registers the {@code s3} snapshot repository type.
 *
 * The upstream repository-s3 plugin is published to Maven Central only from OpenSearch 3.1.0 on, so
 * for 2.19 this small implementation takes its place. The snapshot layout is produced by
 * OpenSearch's own BlobStoreRepository; this plugin only moves blobs to and from S3.
 */
public class SnapsealS3Plugin extends Plugin implements RepositoryPlugin {

    private final Map<String, S3ClientConfig> configs;
    private final Map<String, S3Client> clients = new ConcurrentHashMap<>();

    public SnapsealS3Plugin(Settings settings) {
        // Secure settings may only be readable while the node is being built: read them now.
        this.configs = S3ClientConfig.load(settings);
    }

    @Override
    public List<Setting<?>> getSettings() {
        return S3ClientConfig.all();
    }

    @Override
    public Map<String, Repository.Factory> getRepositories(Environment env, NamedXContentRegistry registry,
            ClusterService clusterService, RecoverySettings recoverySettings) {
        return Map.of(SnapsealS3Repository.TYPE,
                metadata -> new SnapsealS3Repository(metadata, registry, clusterService, recoverySettings, this::client));
    }

    S3Client client(String name) {
        S3ClientConfig config = configs.get(name);
        if (config == null) {
            throw new IllegalArgumentException("unknown s3 client [" + name + "]; known: " + configs.keySet());
        }
        return clients.computeIfAbsent(name, n -> config.buildClient());
    }

    @Override
    public void close() throws IOException {
        clients.values().forEach(S3Client::close);
        clients.clear();
    }
}
