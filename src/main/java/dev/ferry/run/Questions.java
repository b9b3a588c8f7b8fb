package dev.ferry.run;

import dev.ferry.plan.OwnerResolver;
import java.util.List;

/**
 * What a run may ask the person who started it. The command line asks on its terminal; the schedule,
 * JMX and HTTP cannot ask ({@link #NONE}), so a run started there needs the owner and the confirmation
 * in its configuration.
 */
public interface Questions {

    /** No one to ask. */
    Questions NONE = new Questions() {
        @Override
        public boolean canAsk() {
            return false;
        }

        @Override
        public OwnerResolver.User owner(List<OwnerResolver.User> candidates) {
            throw new IllegalStateException("no one to ask");
        }

        @Override
        public boolean confirm(String question) {
            return false;
        }
    };

    boolean canAsk();

    /** The development user the person chose among these; a refusal when none was chosen. */
    OwnerResolver.User owner(List<OwnerResolver.User> candidates) throws RunRefused;

    /** Whether the person said yes to this question. */
    boolean confirm(String question) throws RunRefused;
}
