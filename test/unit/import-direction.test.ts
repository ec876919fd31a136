import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared');
const CONTEXTS = ['users', 'links', 'social', 'news', 'checker'];

/** Every relative import of the modules in shared/<folder>, as paths under shared/ (`users/service.ts`). */
function importsOf(folder: string): { from: string; to: string }[] {
  const directory = join(SHARED, folder);
  return readdirSync(directory)
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => {
      const source = readFileSync(join(directory, file), 'utf8');
      return ts
        .preProcessFile(source, true, true)
        .importedFiles.map((imported) => imported.fileName)
        .filter((name) => name.startsWith('.'))
        .map((name) => ({ from: `${folder}/${file}`, to: relative(SHARED, resolve(directory, name)) }));
    });
}

const inFolder = (path: string, folder: string) => path.startsWith(`${folder}/`);

describe('the direction of imports between the HTTP layer and the contexts', () => {
  it('given the modules of shared/http, when their imports are read, then none reaches into a context', () => {
    const imports = importsOf('http');

    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter(({ to }) => CONTEXTS.some((context) => inFolder(to, context)))).toEqual([]);
  });

  it('given the modules of shared/users, when their imports are read, then none reaches the gate, the limiter or the route wrappers', () => {
    const gate = [
      'http/gate.ts',
      'http/handler.ts',
      'http/rate-limit.ts',
      'http/rate-limit-store.ts',
      'gate.ts',
    ];

    expect(importsOf('users').filter(({ to }) => gate.includes(to))).toEqual([]);
  });
});
