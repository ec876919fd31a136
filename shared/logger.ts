import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { CORRELATION_ID, currentCorrelationId } from './correlation.ts';
import { sourceMappedStack } from './stack-traces.ts';

/** The service's name in logs, metrics (the `service` dimension) and traces. */
export const SERVICE_NAME = 'delinkcious';

/**
 * Powertools' JSON log line, plus the correlation id of the work in progress (shared/correlation.ts): scoped to
 * the record a batch handler is working on, which the Logger's own keys (one set per invocation) cannot be. An
 * error's stack and location name the TypeScript sources (shared/stack-traces.ts).
 */
class CorrelatedLogFormatter extends LogFormatter {
  override formatError(error: Error): LogAttributes {
    const formatted = super.formatError(error);
    if (typeof error.stack !== 'string') return formatted;
    const stack = sourceMappedStack(error.stack);
    return { ...formatted, location: this.getCodeLocation(stack), stack };
  }

  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const correlationId = currentCorrelationId();
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: attributes.lambdaContext?.coldStart,
        function_arn: attributes.lambdaContext?.invokedFunctionArn,
        function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
        function_name: attributes.lambdaContext?.functionName,
        function_request_id: attributes.lambdaContext?.awsRequestId,
        sampling_rate: attributes.sampleRateValue,
        xray_trace_id: attributes.xRayTraceId,
        ...(correlationId ? { [CORRELATION_ID]: correlationId } : {}),
      },
    }).addAttributes(additional);
  }
}

/** Structured JSON logs. Request headers and bodies are never logged: they carry access tokens. */
export const logger = new Logger({ serviceName: SERVICE_NAME, logFormatter: new CorrelatedLogFormatter() });
