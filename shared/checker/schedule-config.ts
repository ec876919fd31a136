import { flagSetting, integerSetting, parseSettings } from '../config.ts';
import * as z from '../zod.ts';

/**
 * The link checker's settings that decide which links are queued for a check, and when: all that the dispatcher
 * and the schedules read. The check's own settings extend them (config.ts, where the table of every variable is).
 */
export const scheduleSettingsSchema = z.object({
  LINK_CHECKER_STALE_DAYS: z._default(z.coerce.number().check(z.positive()), 7),
  LINK_CHECKER_RECHECK_PER_USER: integerSetting(1_000, z.positive()),
  LINK_CHECKS_ENABLED: flagSetting('true'),
});

export type ScheduleSettings = z.infer<typeof scheduleSettingsSchema>;

/** What a bad value's error calls these settings. */
export const CHECKER_CONFIGURATION = 'link checker configuration';

let settings: ScheduleSettings | undefined;

/** The schedule's settings, read and validated once per cold start; a bad value fails naming the variable. */
export function scheduleConfig(): ScheduleSettings {
  settings ??= parseSettings(scheduleSettingsSchema, process.env, CHECKER_CONFIGURATION);
  return settings;
}
