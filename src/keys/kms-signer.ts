// The archiver key held in AWS KMS: its OpenPGP public key is derived from KMS GetPublicKey and a fixed creation
// time (so every host computes the same fingerprint), and every signature is one KMS Sign call over the OpenPGP
// hash (MessageType DIGEST), logged by CloudTrail. The private key never leaves KMS. Building the signer
// certifies the public key through KMS, so a key that cannot sign (wrong usage, no permission, disabled,
// unreachable) is refused here, at start-up, with the setting's name.
import {
  GetPublicKeyCommand,
  KMSClient,
  SignCommand,
  type GetPublicKeyCommandOutput,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import type { KeysConfig } from '../config';
import { fingerprint, KeyError } from '../pipeline/openpgp-keys';
import {
  certifiedPublicKey,
  digestAlgorithmOf,
  ecdsaIntegersFromDer,
  materialFromSpki,
  remoteKeyIdentity,
  rsaBits,
  signDetached,
  type DigestAlgorithm,
  type RemoteKeyMaterial,
  type SignDigest,
} from './remote-openpgp-key';
import type { Signer } from './signer';

export type KmsLocation = KeysConfig['kms'];

/** A KMS key and the names it is given by (a setting, or a rotate-key option), for messages. */
export interface KmsKeyRef {
  keyId: string;
  createdAt: Date;
  /** The setting or option naming the key, e.g. SNAPSEAL_SIGNING_KMS_KEY_ID. */
  keyIdSetting: string;
  /** The setting or option naming its creation time. */
  createdAtSetting: string;
}

export interface KmsSigner extends Signer {
  /** The KMS key's ARN (GetPublicKey's KeyId). */
  readonly keyArn: string;
  /** The OpenPGP creation time the fingerprint is computed with. */
  readonly createdAt: Date;
}

const MIN_RSA_BITS = 2048;

export function createKmsClient(location: KmsLocation): KMSClient {
  return new KMSClient({
    region: location.region,
    endpoint: location.endpoint,
    // A KMS that does not answer must not hold a seal (or a worker's start) for minutes.
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
  });
}

function signingAlgorithm(material: RemoteKeyMaterial, hash: DigestAlgorithm): SigningAlgorithmSpec {
  if (material.algorithm === 'rsa') return 'RSASSA_PKCS1_V1_5_SHA_256';
  return hash === 'sha384' ? 'ECDSA_SHA_384' : 'ECDSA_SHA_256';
}

/** Why KMS refused or failed, with what to do; the AWS error's own name and message stay in the cause. */
export function describeKmsFailure(err: unknown, location: KmsLocation): string {
  const e = err as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const where = location.endpoint ?? `AWS KMS${location.region ? ` in ${location.region}` : ''}`;
  const said = `${e.name ?? 'Error'}: ${e.message ?? String(err)}`;
  switch (e.name) {
    case 'AccessDeniedException':
      return `this host's AWS credentials may not use the key (${said}): allow kms:GetPublicKey and kms:Sign on this key in the sealing role's policy (deploy/iam/seal-worker-kms.json, or snapseal iam-policy seal-worker)`;
    case 'NotFoundException':
      return `no such key at ${where} (${said}): check the key id, ARN or alias and SNAPSEAL_KMS_REGION`;
    case 'DisabledException':
      return `the key is disabled (${said}): enable it (aws kms enable-key) or name another key`;
    case 'KMSInvalidStateException':
      return `the key cannot be used in its current state, e.g. pending deletion (${said}): cancel the deletion or name another key`;
    case 'InvalidKeyUsageException':
      return `the key is not a signing key (${said}): create the key with key usage SIGN_VERIFY`;
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'CredentialsProviderError':
      return `no valid AWS credentials (${said}): give the host a role, or AWS_* variables or a profile the AWS SDK finds`;
  }
  const network = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH'];
  if (e.name === 'TimeoutError' || network.includes(e.code ?? '') || /ECONNREFUSED|ENOTFOUND/.test(said)) {
    return `KMS is unreachable at ${where} (${said}): check SNAPSEAL_KMS_ENDPOINT, SNAPSEAL_KMS_REGION and the network path to KMS`;
  }
  if (/region/i.test(said) && !location.region) {
    return `no region for the KMS client (${said}): set SNAPSEAL_KMS_REGION (or AWS_REGION)`;
  }
  return said;
}

/** The key's public numbers, refused when the key cannot make OpenPGP signatures GnuPG 2.2 checks. */
function usableMaterial(out: GetPublicKeyCommandOutput): RemoteKeyMaterial {
  if (out.KeyUsage !== 'SIGN_VERIFY') {
    throw new Error(
      `its key usage is ${out.KeyUsage ?? 'unknown'}, not SIGN_VERIFY: create an asymmetric key with key usage SIGN_VERIFY (RSA_2048 or larger, ECC_NIST_P256 or ECC_NIST_P384)`,
    );
  }
  if (!out.PublicKey) throw new Error('GetPublicKey returned no public key');
  let material: RemoteKeyMaterial;
  try {
    material = materialFromSpki(out.PublicKey);
  } catch (err) {
    throw new Error(
      `its key spec ${out.KeySpec ?? '?'} cannot sign OpenPGP archives: ${(err as Error).message}`,
    );
  }
  if (material.algorithm === 'rsa' && rsaBits(material) < MIN_RSA_BITS) {
    throw new Error(`it is an RSA key of ${rsaBits(material)} bits: use ${MIN_RSA_BITS} or more`);
  }
  const algorithm = signingAlgorithm(material, digestAlgorithmOf(material));
  if (out.SigningAlgorithms && !out.SigningAlgorithms.includes(algorithm)) {
    throw new Error(`it does not offer ${algorithm} (it offers ${out.SigningAlgorithms.join(', ')})`);
  }
  return material;
}

/**
 * The signer of a KMS key: reads its public key, checks that it can sign OpenPGP signatures, and certifies the
 * derived OpenPGP public key through one KMS Sign call, checked with openpgp.js. Every failure is a KeyError
 * naming `ref.keyIdSetting` (or `ref.createdAtSetting`) and the reason.
 */
export async function createKmsSigner(
  ref: KmsKeyRef,
  location: KmsLocation,
  client: KMSClient,
  now: Date = new Date(),
): Promise<KmsSigner> {
  const refuse = (why: string): KeyError =>
    new KeyError(`${ref.keyIdSetting}=${ref.keyId}: the AWS KMS key cannot sign archives: ${why}`);
  if (ref.createdAt.getTime() > now.getTime()) {
    throw new KeyError(
      `${ref.createdAtSetting}=${ref.createdAt.toISOString()} is in the future: signatures made now would predate their key; use a past time such as the KMS key's CreationDate`,
    );
  }
  let out: GetPublicKeyCommandOutput;
  try {
    out = await client.send(new GetPublicKeyCommand({ KeyId: ref.keyId }));
  } catch (err) {
    throw Object.assign(refuse(describeKmsFailure(err, location)), { cause: err });
  }
  let material: RemoteKeyMaterial;
  try {
    material = usableMaterial(out);
  } catch (err) {
    throw refuse((err as Error).message);
  }
  const keyArn = out.KeyId ?? ref.keyId;
  const signDigest: SignDigest = async (digest, hash) => {
    const signed = await client.send(
      new SignCommand({
        KeyId: keyArn,
        Message: digest,
        MessageType: 'DIGEST',
        SigningAlgorithm: signingAlgorithm(material, hash),
      }),
    );
    if (!signed.Signature) throw new Error('KMS Sign returned no signature');
    return material.algorithm === 'rsa'
      ? [Buffer.from(signed.Signature)]
      : ecdsaIntegersFromDer(signed.Signature);
  };
  const identity = remoteKeyIdentity(material, ref.createdAt);
  let publicKey;
  try {
    publicKey = await certifiedPublicKey(identity, `snapseal archiver (AWS KMS ${keyArn})`, signDigest);
  } catch (err) {
    throw Object.assign(refuse(`KMS Sign failed: ${describeKmsFailure(err, location)}`), { cause: err });
  }
  try {
    await publicKey.verifyPrimaryKey(now);
  } catch (err) {
    throw refuse(
      `the signature KMS made does not verify with the key's own public key (${(err as Error).message})`,
    );
  }
  const holder = `AWS KMS key ${keyArn}`;
  return {
    fingerprint: fingerprint(publicKey),
    publicKey,
    holder,
    keyArn,
    createdAt: ref.createdAt,
    async sign(bytes, date) {
      try {
        return await signDetached(identity, bytes, signDigest, date);
      } catch (err) {
        throw new Error(
          `${holder} (${ref.keyIdSetting}) did not sign: ${describeKmsFailure(err, location)}`,
          {
            cause: err,
          },
        );
      }
    },
  };
}

/** The configured sealing key in KMS (SNAPSEAL_SIGNING_KMS_KEY_ID), or undefined when none is configured. */
export function configuredKmsKey(keys: KeysConfig): KmsKeyRef | undefined {
  return keys.signingKms
    ? {
        ...keys.signingKms,
        keyIdSetting: 'SNAPSEAL_SIGNING_KMS_KEY_ID',
        createdAtSetting: 'SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT',
      }
    : undefined;
}
