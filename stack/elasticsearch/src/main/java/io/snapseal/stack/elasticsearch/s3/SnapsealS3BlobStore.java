package io.snapseal.stack.elasticsearch.s3;

import org.elasticsearch.common.blobstore.BlobContainer;
import org.elasticsearch.common.blobstore.BlobPath;
import org.elasticsearch.common.blobstore.BlobStore;

import software.amazon.awssdk.services.s3.S3Client;

final class SnapsealS3BlobStore implements BlobStore {

    final S3Client client;
    final String bucket;

    SnapsealS3BlobStore(S3Client client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    @Override
    public BlobContainer blobContainer(BlobPath path) {
        return new SnapsealS3BlobContainer(path, this);
    }

    @Override
    public void close() {
        // the client belongs to the plugin and is closed with it
    }
}
