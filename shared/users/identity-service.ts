import { gitHubClientSecret } from '../aws/secrets.ts';
import { config } from '../config.ts';
import { Unavailable } from '../errors.ts';
import { DynamoIdentityStore, DynamoLoginStateStore } from './dynamodb.ts';
import { GitHubIdentityProvider, gitHubAppSettings, hasClientSecret } from './github.ts';
import { GitHubLogin } from './login.ts';
import type { IdentityStore, LoginStateStore } from './ports.ts';
import { sessions } from './service.ts';

/**
 * The login core wired to its adapters. Apart from service.ts (which every HTTP function loads, through the HTTP
 * layer) and profile-service.ts, so that only the login functions bundle GitHub's client.
 */

/**
 * GitHub login wired to its adapters. Its settings are read on every call (they are a few variables), so that a
 * missing one is a 503 that names it rather than a failed cold start. `exchange` is the callback, which needs the
 * client secret; starting a login does not (deployed, only the callback function may read the secret).
 */
export function gitHubLogin(step: 'start' | 'exchange'): GitHubLogin {
  const { settings, missing } = gitHubAppSettings();
  const local = config().LOCAL_RUNTIME;
  if ((step === 'exchange' || local) && !hasClientSecret()) {
    missing.push(local ? 'GITHUB_CLIENT_SECRET' : 'GITHUB_CLIENT_SECRET_ARN');
  }
  if (!settings || missing.length > 0) {
    if (!local) throw new Unavailable('GitHub login is not configured on this server.');
    throw new Unavailable(
      `GitHub login is not configured: set ${missing.join(', ')} in the environment or in .env, and restart ` +
        '(see the README). To try the API without a GitHub app, POST /dev/login {"username": "alice"}.',
      { missing },
    );
  }
  const stores = loginStoresForTests;
  return new GitHubLogin(
    new GitHubIdentityProvider(settings, gitHubClientSecret),
    stores?.states ?? new DynamoLoginStateStore(),
    stores?.identities ?? new DynamoIdentityStore(),
    sessions(),
    stores?.now,
  );
}

/** What a test gives GitHub login instead of the users table: in-memory stores, and the time. */
interface LoginStores {
  states: LoginStateStore;
  identities: IdentityStore;
  now?: () => Date;
}

let loginStoresForTests: LoginStores | undefined;

/** Tests install in-memory stores for GitHub login here; undefined restores the DynamoDB wiring. */
export function setLoginStoresForTests(stores: LoginStores | undefined): void {
  loginStoresForTests = stores;
}
