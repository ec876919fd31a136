import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs. Request headers and bodies are never logged: they carry access tokens. */
export const logger = new Logger({ serviceName: 'delinkcious' });
