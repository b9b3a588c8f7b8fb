package dev.ferry.plan;

import java.util.List;
import java.util.regex.Pattern;

/** Which target column types hold a source column's values: the plan's type check. */
final class TypeWidening {

    private static final List<String> INTEGERS = List.of("smallint", "integer", "bigint", "numeric");
    private static final Pattern VARCHAR = Pattern.compile("character varying\\((\\d+)\\)");
    private static final Pattern NUMERIC = Pattern.compile("numeric\\(\\d+,\\d+\\)");

    /**
     * Whether a target column of type {@code target} holds every value of {@code source} with the same
     * text: the same type, or a widening (smallint to integer to bigint to numeric, varchar(n) to a longer
     * varchar or text, numeric(p,s) to numeric, real to double precision).
     */
    static boolean holds(String target, String source) {
        if (target.equals(source)) {
            return true;
        }
        int si = INTEGERS.indexOf(source);
        int ti = INTEGERS.indexOf(target);
        if (si >= 0 && ti > si) {
            return true;
        }
        var sv = VARCHAR.matcher(source);
        if (sv.matches() || source.equals("character varying")) {
            if (target.equals("text") || target.equals("character varying")) {
                return true;
            }
            var tv = VARCHAR.matcher(target);
            return sv.matches() && tv.matches() && Integer.parseInt(tv.group(1)) >= Integer.parseInt(sv.group(1));
        }
        if (source.equals("text") && target.equals("character varying")) {
            return true;
        }
        if (NUMERIC.matcher(source).matches() && target.equals("numeric")) {
            return true;
        }
        return source.equals("real") && target.equals("double precision");
    }

    private TypeWidening() {
    }
}
