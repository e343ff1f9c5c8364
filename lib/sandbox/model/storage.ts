// Where credential specs and domainless secrets live: S3 objects and Secrets Manager secrets. A
// world lists what exists; anything else is NoSuchKey / ResourceNotFoundException.
// Sources: aws-facts 5 (S3 object ARNs), 6.1 and 7 (where specs and domainless secrets live); the S3
// GetObject and Secrets Manager API references for the errors (their messages as AWS words them).
import { Readable } from 'node:stream';
import { type GetObjectCommandInput, NoSuchKey, S3ServiceException } from '@aws-sdk/client-s3';
import {
  type DescribeSecretCommandInput,
  type GetSecretValueCommandInput,
  ResourceNotFoundException,
} from '@aws-sdk/client-secrets-manager';
import { awsError } from '../aws-errors';
import type { StorageContext } from './context';
import { unreadableSpecs } from './misconfigurations';

/** A GetObject Body with the SDK's stream mixin methods. */
function body(text: string) {
  const bytes = Buffer.from(text, 'utf8');
  return Object.assign(Readable.from([bytes]), {
    transformToString: async (encoding?: BufferEncoding) => bytes.toString(encoding ?? 'utf8'),
    transformToByteArray: async () => new Uint8Array(bytes),
    transformToWebStream: () => Readable.toWeb(Readable.from([bytes])),
  });
}

export class Storage {
  /** SecretString of secrets, by ARN, when a test gives them one: gmsa-ready must never read it. */
  readonly secretValues = new Map<string, string>();

  constructor(private readonly ctx: StorageContext) {}

  getObject(input: GetObjectCommandInput) {
    const arn = `arn:aws:s3:::${input.Bucket}/${input.Key}`;
    // credspec-unreadable: a bucket policy or KMS key denies the read; S3 answers 403 AccessDenied (S3 API reference).
    if (unreadableSpecs(this.ctx.world).has(arn)) throw awsError(S3ServiceException, 'AccessDenied', 'Access Denied');
    const value = this.ctx.world.credentialSpecs[arn];
    if (value === undefined) throw awsError(NoSuchKey, 'NoSuchKey', 'The specified key does not exist.');
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return { Body: body(text), ContentLength: Buffer.byteLength(text), ContentType: 'application/json' };
  }

  describeSecret(input: DescribeSecretCommandInput) {
    const arn = this.secretArn(input.SecretId);
    return { ARN: arn, Name: arn.split(':secret:')[1]?.replace(/-[A-Za-z0-9]{6}$/, '') };
  }

  /** Answered as AWS would, so a call shows in the report's awsCalls (and a test can catch the value leaking). */
  getSecretValue(input: GetSecretValueCommandInput) {
    const arn = this.secretArn(input.SecretId);
    return { ARN: arn, SecretString: this.secretValues.get(arn) ?? '{}', VersionId: 'sandbox' };
  }

  /**
   * SecretId may be the ARN or the name; a secret's ARN ends with a hyphen and 6 random characters
   * (Secrets Manager docs), so a name matches the ARN's name part as a prefix.
   */
  private secretArn(id = ''): string {
    const arn = this.ctx.world.secrets.find((s) => s === id || s.split(':secret:')[1]?.startsWith(id));
    if (!arn)
      throw awsError(
        ResourceNotFoundException,
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    return arn;
  }
}
