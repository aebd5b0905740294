package io.snapseal.stack.elasticsearch.s3;

import java.util.function.Function;

import org.elasticsearch.cluster.metadata.RepositoryMetadata;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.blobstore.BlobPath;
import org.elasticsearch.common.blobstore.BlobStore;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.util.BigArrays;
import org.elasticsearch.indices.recovery.RecoverySettings;
import org.elasticsearch.repositories.RepositoryException;
import org.elasticsearch.repositories.blobstore.BlobStoreRepository;
import org.elasticsearch.xcontent.NamedXContentRegistry;

import software.amazon.awssdk.services.s3.S3Client;

/** Repository settings: {@code bucket} (required), {@code base_path}, {@code client} (default "default"). */
public final class SnapsealS3Repository extends BlobStoreRepository {

    public static final String TYPE = "s3";

    static final Setting<String> BUCKET = Setting.simpleString("bucket");
    static final Setting<String> BASE_PATH = Setting.simpleString("base_path");
    static final Setting<String> CLIENT = Setting.simpleString("client", "default");

    private final String bucket;
    private final String clientName;
    private final Function<String, S3Client> clients;

    public SnapsealS3Repository(RepositoryMetadata metadata, NamedXContentRegistry registry, ClusterService clusterService,
            BigArrays bigArrays, RecoverySettings recoverySettings, Function<String, S3Client> clients) {
        super(metadata, registry, clusterService, bigArrays, recoverySettings, basePath(metadata));
        this.clients = clients;
        this.bucket = BUCKET.get(metadata.settings());
        if (bucket.isEmpty()) {
            throw new RepositoryException(metadata.name(), "the [bucket] setting is required");
        }
        this.clientName = CLIENT.get(metadata.settings());
    }

    private static BlobPath basePath(RepositoryMetadata metadata) {
        BlobPath path = BlobPath.EMPTY;
        for (String element : BASE_PATH.get(metadata.settings()).split("/")) {
            if (!element.isEmpty()) {
                path = path.add(element);
            }
        }
        return path;
    }

    @Override
    protected BlobStore createBlobStore() {
        return new SnapsealS3BlobStore(clients.apply(clientName), bucket);
    }
}
