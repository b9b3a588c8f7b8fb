package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The command line's contract: usage errors exit 2 and say what is wrong. */
class CommandLineTest {

    @Test
    void should_exit_2_with_usage_for_an_unknown_command_or_option() {
        assertEquals(2, run("bogus").code);
        Result unknownOption = run("sync", "--bogus");
        assertEquals(2, unknownOption.code);
        assertTrue(unknownOption.err.contains("--bogus") && unknownOption.err.contains("Usage"), unknownOption.err);
        assertEquals(2, run().code, "no command");
    }

    @Test
    void should_print_help_and_exit_0() {
        Result help = run("help");
        assertEquals(0, help.code);
        assertTrue(help.out.contains("sync") && help.out.contains("demo"), help.out);
        Result syncHelp = run("sync", "--help");
        assertEquals(0, syncHelp.code);
        assertTrue(syncHelp.out.contains("--owner-email") && syncHelp.out.contains("--yes"), syncHelp.out);
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = Ferry.execute(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
