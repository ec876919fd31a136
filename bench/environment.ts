/**
 * The benchmarks' environment, imported before anything else: the functions' Logger and Metrics read theirs
 * when their modules are first loaded.
 */
// No log line between the figures.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
// The functions' metrics would print a line per invocation between the figures (their cost is bench:bundles').
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
// The benchmark sends far more than a client may; the limiter still does its one write per request.
process.env.RATE_LIMIT_PER_SECOND ??= '1000000';
process.env.RATE_LIMIT_BURST ??= '1000000';
// New links are not queued for checks (the fairness benchmark queues its own), and the checker fetches only
// from the benchmark's own site on 127.0.0.1: no benchmark sends a request off the machine.
process.env.LINK_CHECKS_ENABLED = 'false';
process.env.LINK_CHECKER_ALLOW_HOSTS = '127.0.0.1';
process.env.LINK_CHECKER_ALLOWLIST_ONLY = 'true';
