import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Reads a git-ignored `.env` (KEY=value lines: GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, ...) into process.env at
 * start, without overriding variables that are already set: the real environment wins. Returns the names set.
 */
export function loadDotEnv(file = resolve(process.cwd(), '.env')): string[] {
  if (!existsSync(file)) return [];
  const values = parseEnv(readFileSync(file, 'utf8'));
  const applied: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (process.env[name] !== undefined || value === undefined) continue;
    process.env[name] = value;
    applied.push(name);
  }
  return applied;
}
