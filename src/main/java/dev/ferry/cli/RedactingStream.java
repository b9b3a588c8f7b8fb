package dev.ferry.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import dev.ferry.log.Redactor;

/** An output stream that redacts each line before passing it on (for stack traces on --debug). */
public final class RedactingStream extends OutputStream {

    private final PrintStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public RedactingStream(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            flush();
        } else {
            line.write(b);
        }
    }

    @Override
    public synchronized void flush() {
        if (line.size() > 0) {
            out.println(Redactor.redact(line.toString(StandardCharsets.UTF_8)));
            line.reset();
        }
        out.flush();
    }
}
