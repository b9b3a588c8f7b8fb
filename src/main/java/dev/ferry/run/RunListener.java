package dev.ferry.run;

import dev.ferry.state.Run;

/**
 * Told of every finished run (metrics, alerts). Bound in Camel's registry by whoever provides one (the
 * service layer, ops); the run service finds them there, so it knows no implementation.
 */
public interface RunListener {

    void finished(Run run);
}
