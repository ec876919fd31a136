import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/**
 * The secret that page tokens are encrypted with (through a key derived from it). Deployed, it lives in Secrets Manager (`PAGE_TOKEN_SECRET_ARN`) and is
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

/**
 * The GitHub OAuth app's client secret. Deployed, it lives in Secrets Manager (`GITHUB_CLIENT_SECRET_ARN`, granted
 * only to the functions that the wiring marks `githubSecret`) and is read once per cold start, then cached;
 * locally it comes as `GITHUB_CLIENT_SECRET`. Undefined when neither is set.
 */
export async function gitHubClientSecret(): Promise<string | undefined> {
  const direct = process.env.GITHUB_CLIENT_SECRET;
  if (direct) return direct;
  const arn = process.env.GITHUB_CLIENT_SECRET_ARN;
  if (!arn) return undefined;
  const secret = await getSecret(arn, { maxAge: 3600 });
  if (typeof secret !== 'string' || secret.trim() === '') {
    throw new Error(`The secret ${arn} must hold the GitHub OAuth app's client secret as a string.`);
  }
  return secret.trim();
}
