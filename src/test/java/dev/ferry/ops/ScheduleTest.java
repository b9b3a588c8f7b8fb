package dev.ferry.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Date;

import org.junit.jupiter.api.Test;

/** The schedule as users write it, 5-field cron or Quartz, without a database. */
class ScheduleTest {

    @Test
    void should_run_a_5_field_cron_as_quartz() throws Exception {
        Schedule nightly = Schedule.of("0 2 * * *", "UTC");
        assertEquals("0 0 2 * * ?", nightly.quartz());
        assertEquals(Instant.parse("2026-12-04T02:00:00Z"), nightly.next(Date.from(Instant.parse("2026-12-03T14:00:00Z"))).toInstant());
        // weekdays: cron's Sunday 0 (or 7), Monday 1 ... as Quartz's Sunday 1, Monday 2 ...
        Schedule weekdays = Schedule.of("30 6 * * 1-5", "Europe/Berlin");
        assertEquals("0 30 6 ? * 2-6", weekdays.quartz());
        // Thursday 2026-12-03 14:00 UTC: the next weekday 06:30 in Berlin is Friday 05:30 UTC
        assertEquals(Instant.parse("2026-12-04T05:30:00Z"), weekdays.next(Date.from(Instant.parse("2026-12-03T14:00:00Z"))).toInstant());
        assertEquals("0 0 3 ? * 1", Schedule.of("0 3 * * 0", "UTC").quartz());
        assertEquals("0 0 3 ? * 1", Schedule.of("0 3 * * 7", "UTC").quartz());
        assertEquals("0 */15 * ? * 2,4", Schedule.of("*/15 * * * 1,3", "UTC").quartz());
        assertEquals("0 0 3 ? * MON", Schedule.of("0 3 * * MON", "UTC").quartz());
    }

    @Test
    void should_keep_a_quartz_cron_and_say_both_in_one_line() throws Exception {
        assertEquals("0 0 2 * * ?", Schedule.of("0 0 2 * * ?", "UTC").quartz());
        String line = Schedule.of("0 2 * * *", "UTC").describe();
        assertTrue(line.matches("schedule '0 2 \\* \\* \\*' \\(Quartz '0 0 2 \\* \\* \\?'\\) in UTC, next run 20\\d\\d-\\d\\d-\\d\\dT02:00Z"), line);
    }

    @Test
    void should_refuse_what_cannot_run_in_one_line_saying_how() {
        String fields = assertThrows(Schedule.BadSchedule.class, () -> Schedule.of("0 2 * *", "UTC")).getMessage();
        assertTrue(fields.startsWith("FERRY_SCHEDULE is '0 2 * *': give a 5-field cron"), fields);
        String both = assertThrows(Schedule.BadSchedule.class, () -> Schedule.of("0 2 1 * 1", "UTC")).getMessage();
        assertTrue(both.contains("keep one of them '*'"), both);
        String hour = assertThrows(Schedule.BadSchedule.class, () -> Schedule.of("0 25 * * *", "UTC")).getMessage();
        assertTrue(hour.startsWith("FERRY_SCHEDULE is '0 25 * * *': "), hour);
        String zone = assertThrows(Schedule.BadSchedule.class, () -> Schedule.of("0 2 * * *", "Mars/Olympus")).getMessage();
        assertTrue(zone.startsWith("FERRY_SCHEDULE_TZ is 'Mars/Olympus': not a time zone"), zone);
    }
}
