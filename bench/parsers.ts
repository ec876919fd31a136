import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The bookmark file parsers on the worst case an import accepts: a 10 MiB file of each format, parsed in a
 * process of its own (bench/parse-file.ts), with the time and the peak resident memory (the target: under 256 MB,
 * the import function's budget).
 */
export function benchParsers(): void {
  console.log('\nBookmark file parsers, a 10 MiB file each (peak resident memory of the whole process)');
  const script = fileURLToPath(new URL('./parse-file.ts', import.meta.url));
  for (const format of ['netscape', 'pinboard']) {
    const output = execFileSync(process.execPath, ['--import', 'tsx', script, format], { encoding: 'utf8' });
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as {
      entries: number;
      ms: number;
      rssBeforeMb: number;
      peakMb: number;
    };
    console.log(
      `  ${format.padEnd(9)} ${String(result.entries).padStart(7)} entries in ${Math.round(result.ms)} ms; ` +
        `memory ${Math.round(result.rssBeforeMb)} MB before the parse, ${Math.round(result.peakMb)} MB at the peak`,
    );
  }
}
