/**
 * What the functions write to stdout and stderr, which Lambda sends to CloudWatch Logs: measured in bytes while
 * `counting`, and kept off the terminal throughout (the benchmark prints through `print`). The metric lines
 * (Embedded Metric Format) among them name the custom metrics: each metric name with each set of dimension values
 * is one CloudWatch metric.
 */
export class FunctionOutput {
  counting = false;
  bytes = 0;
  lines = 0;
  readonly metricSeries = new Set<string>();
  private readonly restore: () => void;
  private readonly write: (text: string) => void;

  constructor() {
    const stdout = process.stdout.write.bind(process.stdout);
    const stderr = process.stderr.write.bind(process.stderr);
    this.write = (text) => void stdout(text);
    const swallow = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      this.take(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((arg): arg is () => void => typeof arg === 'function');
      done?.();
      return true;
    };
    process.stdout.write = swallow as typeof process.stdout.write;
    process.stderr.write = swallow as typeof process.stderr.write;
    this.restore = () => {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    };
  }

  print(line = ''): void {
    this.write(`${line}\n`);
  }

  stop(): void {
    this.restore();
  }

  private take(text: string): void {
    if (!this.counting) return;
    this.bytes += Buffer.byteLength(text);
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      this.lines++;
      if (line.includes('"CloudWatchMetrics"')) this.collectMetrics(line);
    }
  }

  private collectMetrics(line: string): void {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const directives =
      (record._aws as { CloudWatchMetrics?: EmfDirective[] } | undefined)?.CloudWatchMetrics ?? [];
    for (const directive of directives) {
      for (const dimensionSet of directive.Dimensions) {
        const dimensions = dimensionSet.map((name) => `${name}=${String(record[name])}`).join(',');
        for (const metric of directive.Metrics)
          this.metricSeries.add(`${directive.Namespace}|${metric.Name}|${dimensions}`);
      }
    }
  }
}

interface EmfDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string }[];
}
