package io.snapseal.stack.elasticsearch.s3;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.common.blobstore.BlobContainer;
import org.elasticsearch.common.blobstore.BlobPath;
import org.elasticsearch.common.blobstore.DeleteResult;
import org.elasticsearch.common.blobstore.OperationPurpose;
import org.elasticsearch.common.blobstore.OptionalBytesReference;
import org.elasticsearch.common.blobstore.support.AbstractBlobContainer;
import org.elasticsearch.common.blobstore.support.BlobMetadata;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.core.CheckedConsumer;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** One "directory" of the repository: every blob in it is an object whose key starts with {@link #prefix}. */
final class SnapsealS3BlobContainer extends AbstractBlobContainer {

    /** Blobs above this size are sent as a multipart upload of parts of this size. */
    private static final long PART_SIZE = 64L * 1024 * 1024;
    /** DeleteObjects accepts at most this many keys per call. */
    private static final int DELETE_BATCH = 1000;

    private final SnapsealS3BlobStore store;
    private final String prefix;

    SnapsealS3BlobContainer(BlobPath path, SnapsealS3BlobStore store) {
        super(path);
        this.store = store;
        this.prefix = path.buildAsString();
    }

    private String key(String blobName) {
        return prefix + blobName;
    }

    @Override
    public boolean blobExists(OperationPurpose purpose, String blobName) throws IOException {
        try {
            store.client.headObject(b -> b.bucket(store.bucket).key(key(blobName)));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new IOException("HEAD " + key(blobName) + " failed", e);
        } catch (SdkException e) {
            throw new IOException("HEAD " + key(blobName) + " failed", e);
        }
    }

    @Override
    public InputStream readBlob(OperationPurpose purpose, String blobName) throws IOException {
        return get(blobName, null);
    }

    @Override
    public InputStream readBlob(OperationPurpose purpose, String blobName, long position, long length) throws IOException {
        if (position < 0 || length < 0) {
            throw new IllegalArgumentException("bad range [" + position + ", " + length + "] for " + blobName);
        }
        if (length == 0) {
            return new ByteArrayInputStream(new byte[0]);
        }
        return get(blobName, "bytes=" + position + "-" + (position + length - 1));
    }

    @Override
    public long readBlobPreferredLength() {
        return 32L * 1024 * 1024;
    }

    private InputStream get(String blobName, String range) throws IOException {
        try {
            return store.client.getObject(b -> b.bucket(store.bucket).key(key(blobName)).range(range));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NoSuchFileException("blob [" + key(blobName) + "] not found in bucket [" + store.bucket + "]");
            }
            throw new IOException("GET " + key(blobName) + " failed", e);
        } catch (SdkException e) {
            throw new IOException("GET " + key(blobName) + " failed", e);
        }
    }

    @Override
    public void writeBlob(OperationPurpose purpose, String blobName, InputStream in, long size, boolean failIfAlreadyExists)
            throws IOException {
        // S3 gives no cheap "create only" here; like upstream, failIfAlreadyExists is not enforced.
        try {
            if (size <= PART_SIZE) {
                store.client.putObject(b -> b.bucket(store.bucket).key(key(blobName)).contentLength(size),
                        RequestBody.fromInputStream(in, size));
            } else {
                multipartUpload(key(blobName), in, size);
            }
        } catch (SdkException e) {
            throw new IOException("PUT " + key(blobName) + " failed", e);
        }
    }

    @Override
    public void writeMetadataBlob(OperationPurpose purpose, String blobName, boolean failIfAlreadyExists, boolean atomic,
            CheckedConsumer<OutputStream, IOException> writer) throws IOException {
        // Metadata blobs are small: write them to memory, then send them in one PUT (which is atomic).
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        writer.accept(buffer);
        byte[] bytes = buffer.toByteArray();
        writeBlob(purpose, blobName, new ByteArrayInputStream(bytes), bytes.length, failIfAlreadyExists);
    }

    @Override
    public void writeBlobAtomic(OperationPurpose purpose, String blobName, BytesReference bytes, boolean failIfAlreadyExists)
            throws IOException {
        // A single PUT (or a completed multipart upload) becomes visible all at once.
        writeBlob(purpose, blobName, bytes.streamInput(), bytes.length(), failIfAlreadyExists);
    }

    private void multipartUpload(String key, InputStream in, long size) throws IOException {
        String uploadId = store.client.createMultipartUpload(b -> b.bucket(store.bucket).key(key)).uploadId();
        boolean done = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long remaining = size;
            for (int partNumber = 1; remaining > 0; partNumber++) {
                long partLength = Math.min(PART_SIZE, remaining);
                final int number = partNumber;
                String etag = store.client.uploadPart(
                        b -> b.bucket(store.bucket).key(key).uploadId(uploadId).partNumber(number).contentLength(partLength),
                        RequestBody.fromInputStream(new BoundedInputStream(in, partLength), partLength)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                remaining -= partLength;
            }
            store.client.completeMultipartUpload(b -> b.bucket(store.bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            done = true;
        } finally {
            if (!done) {
                try {
                    store.client.abortMultipartUpload(b -> b.bucket(store.bucket).key(key).uploadId(uploadId));
                } catch (SdkException ignored) {
                    // best effort; the upload stays incomplete and invisible
                }
            }
        }
    }

    @Override
    public DeleteResult delete(OperationPurpose purpose) throws IOException {
        long blobs = 0;
        long bytes = 0;
        List<String> keys = new ArrayList<>();
        try {
            for (ListObjectsV2Response page : store.client.listObjectsV2Paginator(
                    ListObjectsV2Request.builder().bucket(store.bucket).prefix(prefix).build())) {
                for (S3Object o : page.contents()) {
                    keys.add(o.key());
                    blobs++;
                    bytes += o.size();
                }
            }
        } catch (SdkException e) {
            throw new IOException("listing " + prefix + " failed", e);
        }
        deleteKeys(keys);
        return new DeleteResult(blobs, bytes);
    }

    @Override
    public void deleteBlobsIgnoringIfNotExists(OperationPurpose purpose, Iterator<String> blobNames) throws IOException {
        List<String> keys = new ArrayList<>();
        blobNames.forEachRemaining(name -> keys.add(key(name)));
        deleteKeys(keys);
    }

    private void deleteKeys(List<String> keys) throws IOException {
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (String k : keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH))) {
                batch.add(ObjectIdentifier.builder().key(k).build());
            }
            DeleteObjectsResponse response;
            try {
                response = store.client.deleteObjects(b -> b.bucket(store.bucket).delete(d -> d.objects(batch).quiet(true)));
            } catch (SdkException e) {
                throw new IOException("deleting " + batch.size() + " blobs under " + prefix + " failed", e);
            }
            if (response.hasErrors() && !response.errors().isEmpty()) {
                throw new IOException("deleting blobs failed: " + response.errors());
            }
        }
    }

    @Override
    public Map<String, BlobMetadata> listBlobs(OperationPurpose purpose) throws IOException {
        return listBlobsByPrefix(purpose, "");
    }

    @Override
    public Map<String, BlobMetadata> listBlobsByPrefix(OperationPurpose purpose, String blobNamePrefix) throws IOException {
        Map<String, BlobMetadata> blobs = new LinkedHashMap<>();
        String listPrefix = prefix + (blobNamePrefix == null ? "" : blobNamePrefix);
        try {
            for (ListObjectsV2Response page : store.client.listObjectsV2Paginator(
                    ListObjectsV2Request.builder().bucket(store.bucket).prefix(listPrefix).delimiter("/").build())) {
                for (S3Object o : page.contents()) {
                    String name = o.key().substring(prefix.length());
                    blobs.put(name, new BlobMetadata(name, o.size()));
                }
            }
        } catch (SdkException e) {
            throw new IOException("listing " + listPrefix + " failed", e);
        }
        return blobs;
    }

    @Override
    public Map<String, BlobContainer> children(OperationPurpose purpose) throws IOException {
        Map<String, BlobContainer> children = new HashMap<>();
        try {
            for (ListObjectsV2Response page : store.client.listObjectsV2Paginator(
                    ListObjectsV2Request.builder().bucket(store.bucket).prefix(prefix).delimiter("/").build())) {
                for (CommonPrefix p : page.commonPrefixes()) {
                    String name = p.prefix().substring(prefix.length());
                    if (name.endsWith("/")) {
                        name = name.substring(0, name.length() - 1);
                    }
                    if (!name.isEmpty()) {
                        children.put(name, new SnapsealS3BlobContainer(path().add(name), store));
                    }
                }
            }
        } catch (SdkException e) {
            throw new IOException("listing children of " + prefix + " failed", e);
        }
        return children;
    }

    @Override
    public void compareAndExchangeRegister(OperationPurpose purpose, String key, BytesReference expected,
            BytesReference updated, ActionListener<OptionalBytesReference> listener) {
        // Registers serve repository analysis, not snapshots or restores; S3 offers no compare-and-set here.
        listener.onFailure(new UnsupportedOperationException("the snapseal test s3 repository has no registers"));
    }

    /** Exposes at most {@code limit} bytes of the wrapped stream and never closes it. */
    private static final class BoundedInputStream extends FilterInputStream {
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(buf, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, left));
            left -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), left);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void close() {
            // the caller owns the underlying stream
        }
    }
}
