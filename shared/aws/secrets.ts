import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/**
 * The key that signs pagination tokens. Deployed, it lives in Secrets Manager (`PAGE_TOKEN_SECRET_ARN`) and is
 * read once per cold start, then cached; the local runtime passes it directly as `PAGE_TOKEN_SECRET`.
 */
export async function pageTokenKey(): Promise<Buffer> {
  const direct = process.env.PAGE_TOKEN_SECRET;
  if (direct) return Buffer.from(direct, 'utf8');
  const arn = process.env.PAGE_TOKEN_SECRET_ARN;
  if (!arn) {
    throw new Error('Missing environment variable PAGE_TOKEN_SECRET_ARN (or PAGE_TOKEN_SECRET locally).');
  }
  const secret = await getSecret(arn, { maxAge: 3600 });
  if (typeof secret !== 'string' || secret.length < 32) {
    throw new Error(`The secret ${arn} must hold a string of at least 32 characters.`);
  }
  return Buffer.from(secret, 'utf8');
}
