package io.snapseal.stack.s3;

import java.util.function.Function;

import org.opensearch.cluster.metadata.RepositoryMetadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.blobstore.BlobPath;
import org.opensearch.common.blobstore.BlobStore;
import org.opensearch.common.settings.Setting;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.indices.recovery.RecoverySettings;
import org.opensearch.repositories.RepositoryException;
import org.opensearch.repositories.blobstore.BlobStoreRepository;

import software.amazon.awssdk.services.s3.S3Client;

/** Repository settings: {@code bucket} (required), {@code base_path}, {@code client} (default "default"). */
final class SnapsealS3Repository extends BlobStoreRepository {

    static final String TYPE = "s3";

    static final Setting<String> BUCKET = Setting.simpleString("bucket");
    static final Setting<String> BASE_PATH = Setting.simpleString("base_path");
    static final Setting<String> CLIENT = Setting.simpleString("client", "default");

    private final String bucket;
    private final String clientName;
    private final BlobPath basePath;
    private final Function<String, S3Client> clients;

    SnapsealS3Repository(RepositoryMetadata metadata, NamedXContentRegistry registry, ClusterService clusterService,
            RecoverySettings recoverySettings, Function<String, S3Client> clients) {
        super(metadata, registry, clusterService, recoverySettings);
        this.clients = clients;
        this.bucket = BUCKET.get(metadata.settings());
        if (bucket.isEmpty()) {
            throw new RepositoryException(metadata.name(), "the [bucket] setting is required");
        }
        this.clientName = CLIENT.get(metadata.settings());
        BlobPath path = BlobPath.cleanPath();
        for (String element : BASE_PATH.get(metadata.settings()).split("/")) {
            if (!element.isEmpty()) {
                path = path.add(element);
            }
        }
        this.basePath = path;
    }

    @Override
    protected BlobStore createBlobStore() {
        return new SnapsealS3BlobStore(clients.apply(clientName), bucket);
    }

    @Override
    public BlobPath basePath() {
        return basePath;
    }
}
