package io.snapseal.stack.elasticsearch;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.common.util.BigArrays;
import org.elasticsearch.env.Environment;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.indices.recovery.RecoverySettings;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.RepositoryPlugin;
import org.elasticsearch.repositories.RepositoriesMetrics;
import org.elasticsearch.repositories.Repository;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.xcontent.NamedXContentRegistry;

import io.snapseal.stack.elasticsearch.s3.S3ClientSettings;
import io.snapseal.stack.elasticsearch.s3.SnapsealS3Repository;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the test stack's Elasticsearch node needs beyond Elastic's test distribution (integ-test-zip), whose
 * default-distribution counterparts Elastic does not publish to Maven Central:
 * <ul>
 * <li>the {@code s3} snapshot repository type (repository-s3): the snapshot layout is Elasticsearch's own
 * BlobStoreRepository's, this plugin only stores, lists, reads and deletes blobs;</li>
 * <li>{@code GET /}, the cluster's name, uuid and version (rest-root), see {@link RootInfoHandler}.</li>
 * </ul>
 */
public class SnapsealStackPlugin extends Plugin implements RepositoryPlugin, ActionPlugin {

    private final Map<String, S3ClientSettings> s3Clients;
    private final Map<String, S3Client> clients = new ConcurrentHashMap<>();

    public SnapsealStackPlugin(Settings settings) {
        // The keystore (access_key, secret_key) is only open while the node is being built: read it now.
        this.s3Clients = S3ClientSettings.load(settings);
    }

    @Override
    public List<Setting<?>> getSettings() {
        return S3ClientSettings.all();
    }

    @Override
    public Map<String, Repository.Factory> getRepositories(Environment env, NamedXContentRegistry registry,
            ClusterService clusterService, BigArrays bigArrays, RecoverySettings recoverySettings,
            RepositoriesMetrics repositoriesMetrics) {
        return Map.of(SnapsealS3Repository.TYPE, metadata -> new SnapsealS3Repository(metadata, registry, clusterService,
                bigArrays, recoverySettings, this::client));
    }

    @Override
    public Collection<RestHandler> getRestHandlers(Settings settings, NamedWriteableRegistry namedWriteableRegistry,
            RestController restController, ClusterSettings clusterSettings, IndexScopedSettings indexScopedSettings,
            SettingsFilter settingsFilter, IndexNameExpressionResolver indexNameExpressionResolver,
            Supplier<DiscoveryNodes> nodesInCluster, Predicate<NodeFeature> clusterSupportsFeature) {
        return List.of(new RootInfoHandler(Node.NODE_NAME_SETTING.get(settings)));
    }

    private S3Client client(String name) {
        S3ClientSettings client = s3Clients.get(name);
        if (client == null) {
            throw new IllegalArgumentException("unknown s3 client [" + name + "]; known: " + s3Clients.keySet());
        }
        return clients.computeIfAbsent(name, n -> client.buildClient());
    }

    @Override
    public void close() throws IOException {
        clients.values().forEach(S3Client::close);
        clients.clear();
    }
}
