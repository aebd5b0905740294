// The stream stages and planning of the archive pipeline; no Temporal, S3 or OpenSearch in here.
export * from './byte-progress';
export * from './deterministic-tar';
export * from './manifest';
export * from './openpgp-decrypt';
export * from './openpgp-encrypt';
export * from './openpgp-keys';
export * from './sha256-pass-through';
export * from './tar-layout';
export * from './volume-plan';
