import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Stack traces mapped back to the TypeScript sources when an error is logged, rather than at every cold start:
 * Node's `--enable-source-maps` reads and parses a function's source map (megabytes of JSON) as the bundle loads,
 * before the first invocation, error or not (`npm run bench:bundles`). Here the map is read the first time a
 * logged error needs it, and Node's own SourceMap decodes it.
 *
 * A function is one bundle with its map beside it (lib/bundling.ts), and this module is inside it, so its own URL
 * names the bundle. Outside a bundle (tsx, tests) there is no map beside this file, and stacks stay as they are.
 */
const BUNDLE_URL = import.meta.url;
let sourceMap: SourceMap | null | undefined;

function bundleSourceMap(): SourceMap | null {
  if (sourceMap === undefined) {
    try {
      sourceMap = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(BUNDLE_URL)}.map`, 'utf8')));
    } catch {
      sourceMap = null;
    }
  }
  return sourceMap;
}

/** The stack with each of the bundle's frames (`file:///var/task/index.mjs:1:2345`) as its source's position. */
export function sourceMappedStack(stack: string): string {
  const [head, ...frames] = stack.split(BUNDLE_URL);
  if (frames.length === 0) return stack;
  const map = bundleSourceMap();
  if (!map) return stack;
  return (
    head +
    frames
      .map((rest) =>
        rest.replace(/^:(\d+):(\d+)/, (position, line: string, column: string) => {
          const origin = map.findOrigin(Number(line), Number(column));
          if (!('fileName' in origin)) return `${BUNDLE_URL}${position}`;
          // Sources are named relative to the bundle's directory; the project's own path is what helps.
          return `${origin.fileName.replace(/^(\.\.\/)+/, '')}:${origin.lineNumber}:${origin.columnNumber}`;
        }),
      )
      .join('')
  );
}
