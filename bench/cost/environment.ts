import '../environment.ts';

/**
 * `npm run bench:cost` measures what a deployed function does and writes: imported before anything else, it puts
 * back what the other benchmarks turn off. The log level and metrics are the deployed ones (Powertools' default
 * level, INFO, and EMF metric lines), whose bytes are counted and kept off the terminal (bench/cost/output.ts), and
 * new links are checked, each against a page of the benchmark's own site on 127.0.0.1.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.LINK_CHECKS_ENABLED = 'true';
