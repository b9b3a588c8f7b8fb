package dev.ferry.log;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;

/**
 * Log4j2 pattern converter {@code %redactedMessage}: the message with credentials masked, and of an
 * exception one line (its innermost cause); the whole stack trace only with {@code --debug} or
 * FERRY_LOG_LEVEL DEBUG or TRACE, masked too.
 */
@Plugin(name = "RedactingMessageConverter", category = PatternConverter.CATEGORY)
@ConverterKeys({"redactedMessage"})
public final class RedactingMessageConverter extends LogEventPatternConverter {

    private RedactingMessageConverter() {
        super("redactedMessage", null);
    }

    /** Factory used by log4j2. */
    public static RedactingMessageConverter newInstance(String[] options) {
        return new RedactingMessageConverter();
    }

    @Override
    public void format(LogEvent event, StringBuilder toAppendTo) {
        StringBuilder text = new StringBuilder(event.getMessage().getFormattedMessage());
        Throwable thrown = event.getThrown();
        if (thrown != null && stackTraces()) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            text.append(System.lineSeparator()).append(trace);
        } else if (thrown != null) {
            Throwable root = thrown;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String line = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
            if (!text.toString().contains(line)) {
                text.append(" (").append(root.getClass().getSimpleName()).append(": ").append(line).append(')');
            }
        }
        toAppendTo.append(Redactor.redact(text.toString()));
    }

    /** Whether whole stack traces are wanted: --debug (the command line sets ferry.debug), or a debugging log level. */
    private static boolean stackTraces() {
        String level = System.getenv("FERRY_LOG_LEVEL");
        return Boolean.getBoolean("ferry.debug")
                || (level != null && (level.equalsIgnoreCase("DEBUG") || level.equalsIgnoreCase("TRACE")));
    }

    @Override
    public boolean handlesThrowable() {
        return true;
    }
}
