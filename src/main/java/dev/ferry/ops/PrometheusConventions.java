package dev.ferry.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

/**
 * Keeps /metrics as Prometheus's linter ({@code promtool check metrics}) wants it: label names in
 * snake_case (Camel tags routeId, camelContext, ...), and none of the two binder meters whose names
 * break its rules ({@code system_cpu_count}, a gauge with a counter's suffix; {@code process_cpu_time_ns},
 * an abbreviated unit; {@code process_cpu_usage} and the JVM meters remain).
 */
public final class PrometheusConventions implements MeterFilter {

    private static final Set<String> DENIED = Set.of("system.cpu.count", "process.cpu.time");

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        return DENIED.contains(id.getName()) ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        List<Tag> tags = new ArrayList<>();
        boolean changed = false;
        for (Tag tag : id.getTagsAsIterable()) {
            String key = snake(tag.getKey());
            changed |= !key.equals(tag.getKey());
            tags.add(Tag.of(key, tag.getValue()));
        }
        return changed ? id.replaceTags(tags) : id;
    }

    /** {@code routeId} as {@code route_id}. */
    static String snake(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && name.charAt(i - 1) != '_' && name.charAt(i - 1) != '.') {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
