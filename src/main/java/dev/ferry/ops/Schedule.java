package dev.ferry.ops;

import java.text.ParseException;
import java.time.ZoneId;
import java.util.Date;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quartz.CronExpression;

/**
 * The service's schedule as users write it: a standard 5-field cron ({@code 0 2 * * *}: minute hour
 * day month weekday, Sunday 0 or 7) or a Quartz cron (seconds first, {@code ?} in one day field),
 * checked before the service starts and said back in one line with its next run.
 *
 * @param written what the user wrote
 * @param quartz  the Quartz expression the trigger runs
 * @param zone    the zone it runs in
 */
public record Schedule(String written, String quartz, ZoneId zone) {

    /** A schedule that cannot run as written: exit 2 with the message. */
    public static final class BadSchedule extends Exception {
        BadSchedule(String message) {
            super(message);
        }
    }

    private static final Pattern NUMBER = Pattern.compile("(?<![/\\d])(\\d+)");

    /** Reads {@code cron} (5 fields, or Quartz's 6 or 7) in {@code zone}. */
    public static Schedule of(String cron, String zone) throws BadSchedule {
        ZoneId zoneId;
        try {
            zoneId = ZoneId.of(zone.trim());
        } catch (RuntimeException e) {
            throw new BadSchedule("FERRY_SCHEDULE_TZ is '" + zone + "': not a time zone (use a name such as UTC or Europe/Berlin)");
        }
        String written = cron.trim().replaceAll("\\s+", " ");
        String[] fields = written.split(" ");
        String quartz;
        if (fields.length == 5) {
            String dom = fields[2];
            String dow = fields[4];
            if (!dom.equals("*") && !dow.equals("*")) {
                throw new BadSchedule("FERRY_SCHEDULE is '" + written + "': a day of the month and a weekday together "
                        + "are not supported; keep one of them '*'");
            }
            if (dow.equals("*")) {
                dow = "?";
            } else {
                dom = "?";
                dow = weekdaysForQuartz(dow);
            }
            quartz = "0 " + fields[0] + " " + fields[1] + " " + dom + " " + fields[3] + " " + dow;
        } else if (fields.length == 6 || fields.length == 7) {
            quartz = written;
        } else {
            throw new BadSchedule("FERRY_SCHEDULE is '" + written + "': give a 5-field cron (minute hour day month weekday, "
                    + "e.g. '0 2 * * *' for 02:00 every day) or a Quartz cron with seconds first");
        }
        try {
            CronExpression.validateExpression(quartz);
        } catch (ParseException e) {
            throw new BadSchedule("FERRY_SCHEDULE is '" + written + "': " + e.getMessage()
                    + " (a 5-field cron is minute hour day month weekday, e.g. '0 2 * * *' for 02:00 every day)");
        }
        return new Schedule(written, quartz, zoneId);
    }

    /** Cron weekdays 0-7 (Sunday 0 and 7) as Quartz's 1-7 (Sunday 1); names stay as they are. */
    static String weekdaysForQuartz(String field) {
        Matcher m = NUMBER.matcher(field);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, String.valueOf(Integer.parseInt(m.group(1)) % 7 + 1));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The next run after {@code after}, or null when the expression never fires again. */
    public Date next(Date after) {
        try {
            CronExpression expression = new CronExpression(quartz);
            expression.setTimeZone(TimeZone.getTimeZone(zone));
            return expression.getNextValidTimeAfter(after);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line: what was written, what Quartz runs when it differs, the zone and the next run. */
    public String describe() {
        Date next = next(new Date());
        return "schedule '" + written + "'" + (quartz.equals(written) ? "" : " (Quartz '" + quartz + "')") + " in " + zone
                + ", next run " + (next == null ? "never" : next.toInstant().atZone(zone).toOffsetDateTime().toString());
    }
}
