import { describe, expect, it } from 'vitest';
import { parseCheckerSettings } from '../../../shared/checker/config.ts';
import { parseSettings } from '../../../shared/config.ts';
import { CHECKER_CONFIGURATION, scheduleSettingsSchema } from '../../../shared/checker/schedule-config.ts';

describe("the schedule's settings, which the dispatcher and the schedules read", () => {
  it('given no variables, when read, then the defaults, the same as the whole settings give', () => {
    const schedule = parseSettings(scheduleSettingsSchema, {}, CHECKER_CONFIGURATION);

    expect(schedule).toEqual({
      LINK_CHECKER_STALE_DAYS: 7,
      LINK_CHECKER_RECHECK_PER_USER: 1000,
      LINK_CHECKS_ENABLED: true,
    });
    expect(parseCheckerSettings({})).toMatchObject(schedule);
  });

  it('given a bad value, when read, then an error that names the variable', () => {
    expect(() =>
      parseSettings(scheduleSettingsSchema, { LINK_CHECKER_RECHECK_PER_USER: '2.5' }, CHECKER_CONFIGURATION),
    ).toThrow(/Invalid link checker configuration: LINK_CHECKER_RECHECK_PER_USER: /);
  });

  it('given an allowlist that would not parse, when read, then it is not theirs to judge', () => {
    expect(
      parseSettings(
        scheduleSettingsSchema,
        { LINK_CHECKER_ALLOW_HOSTS: 'internal.example.test' },
        CHECKER_CONFIGURATION,
      ),
    ).toEqual(expect.objectContaining({ LINK_CHECKS_ENABLED: true }));
    expect(() => parseCheckerSettings({ LINK_CHECKER_ALLOW_HOSTS: 'internal.example.test' })).toThrow(
      /LINK_CHECKER_ALLOW_HOSTS/,
    );
  });
});
