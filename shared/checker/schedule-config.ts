import * as z from '../zod.ts';

/** A flag from the environment, `true` or `false`, or `fallback` where the variable is unset. */
export const flag = (fallback: 'true' | 'false') =>
  z.pipe(
    z._default(z.enum(['true', 'false']), fallback),
    z.transform((value) => value === 'true'),
  );

/** A whole number from the environment, held to `checks`, or `fallback` where the variable is unset. */
export const integer = (fallback: number, ...checks: z.core.$ZodCheck<number>[]) =>
  z._default(z.coerce.number().check(z.int(), ...checks), fallback);

/**
 * The link checker's settings that decide which links are queued for a check, and when: all that the dispatcher
 * and the schedules read. The check's own settings extend them (config.ts, where the table of every variable is).
 */
export const scheduleSettingsSchema = z.object({
  LINK_CHECKER_STALE_DAYS: z._default(z.coerce.number().check(z.positive()), 7),
  LINK_CHECKER_RECHECK_PER_USER: integer(1_000, z.positive()),
  LINK_CHECKS_ENABLED: flag('true'),
});

export type ScheduleSettings = z.infer<typeof scheduleSettingsSchema>;

let settings: ScheduleSettings | undefined;

/** The schedule's settings, read and validated once per cold start; a bad value fails naming the variable. */
export function scheduleConfig(): ScheduleSettings {
  settings ??= parseSettings(scheduleSettingsSchema, process.env);
  return settings;
}

/** The settings `schema` reads from `env`; a bad value throws, naming each variable and what is wrong with it. */
export function parseSettings<S extends z.core.$ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.output<S> {
  const parsed = z.safeParse(schema, env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid link checker configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
