/**
 * The environment of a local command (`npm start`, `npm run invoke`), imported before anything else: the
 * functions' Logger reads its level when its module is first loaded, so the default must be in place by then.
 * Settings may come from a git-ignored .env (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, ...); the real environment wins.
 */
import { loadDotEnv } from './dotenv.ts';

loadDotEnv();
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
