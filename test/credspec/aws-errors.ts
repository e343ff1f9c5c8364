// Service errors the way the SDK throws them, for error kinds that have no class of their own.
import { S3ServiceException } from '@aws-sdk/client-s3';
import { SSMServiceException } from '@aws-sdk/client-ssm';

export const ssmError = (name: string, status: number) =>
  new SSMServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} from SSM`,
  });

export const s3Error = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: `${name} from S3` });

/** A GetObject Body: only transformToString is read. */
export const body = (text: string) => ({ transformToString: async () => text }) as never;
