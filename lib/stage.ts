import { RemovalPolicy } from 'aws-cdk-lib';

/** The environments the app deploys to; each is its own stack, so both can live in one account. */
export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/** Reads the `-c stage=...` context value: dev when absent, an error naming the choices when unknown. */
export function parseStage(value: unknown): Stage {
  if (value === undefined) return 'dev';
  const stage = STAGES.find((candidate) => candidate === value);
  if (!stage)
    throw new Error(`Unknown stage "${String(value)}": use -c stage=${STAGES.join(' or -c stage=')}.`);
  return stage;
}

/**
 * What a stage decides: prod keeps its data when a stack or resource goes away, dev cleans up; both limit each
 * client to the contract's 12 requests per second, bursts up to 80 (shared/http/rate-limit.ts).
 */
export interface StageSettings {
  stage: Stage;
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  rateLimit: { perSecond: number; burst: number };
}

export function stageSettings(stage: Stage): StageSettings {
  const prod = stage === 'prod';
  return {
    stage,
    removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    deletionProtection: prod,
    rateLimit: { perSecond: 12, burst: 80 },
  };
}
