import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Stack traces mapped back to the TypeScript sources when an error is logged, rather than at every cold start:
 * Node's `--enable-source-maps` reads and parses a function's source maps (megabytes of JSON) as the bundle loads,
 * before the first invocation, error or not (`npm run bench:bundles`). Here a file's map is read the first time a
 * logged error needs it, and Node's own SourceMap decodes it.
 *
 * A function is an entry and its chunks in one directory, each with its map beside it (lib/bundling.ts), and this
 * module is in one of them, so its own URL names the directory. Outside a bundle (tsx, tests) there is no map
 * beside the files, and stacks stay as they are.
 */
const BUNDLE_DIRECTORY_URL = new URL('.', import.meta.url).href;
/** A frame's position in a module's file: `file:///var/task/index.mjs:1:2345`. */
const FRAME_POSITION = /(file:\/\/\S+?\.mjs):(\d+):(\d+)/g;
const sourceMaps = new Map<string, SourceMap | null>();

function sourceMapOf(file: string): SourceMap | null {
  let sourceMap = sourceMaps.get(file);
  if (sourceMap === undefined) {
    try {
      const path = fileURLToPath(new URL(`${file}.map`, BUNDLE_DIRECTORY_URL));
      sourceMap = new SourceMap(JSON.parse(readFileSync(path, 'utf8')));
    } catch {
      sourceMap = null;
    }
    sourceMaps.set(file, sourceMap);
  }
  return sourceMap;
}

/** The stack with each of the bundle's frames as its source's position. */
export function sourceMappedStack(stack: string): string {
  return stack.replace(FRAME_POSITION, (frame, url: string, line: string, column: string) => {
    const file = url.startsWith(BUNDLE_DIRECTORY_URL) ? url.slice(BUNDLE_DIRECTORY_URL.length) : undefined;
    if (!file || file.includes('/')) return frame;
    const origin = sourceMapOf(file)?.findOrigin(Number(line), Number(column));
    if (!origin || !('fileName' in origin)) return frame;
    // Sources are named relative to the bundle's directory; the project's own path is what helps.
    return `${origin.fileName.replace(/^(\.\.\/)+/, '')}:${origin.lineNumber}:${origin.columnNumber}`;
  });
}
