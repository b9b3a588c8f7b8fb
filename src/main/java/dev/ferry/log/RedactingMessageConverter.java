package dev.ferry.log;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;

/** Log4j2 pattern converter {@code %redactedMessage}: the message and its stack trace with credentials masked. */
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
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            text.append(System.lineSeparator()).append(trace);
        }
        toAppendTo.append(Redactor.redact(text.toString()));
    }

    @Override
    public boolean handlesThrowable() {
        return true;
    }
}
