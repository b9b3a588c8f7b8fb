package dev.ferry.twoway;

/** The two databases of a two-way sync: A, the first ({@code FERRY_SOURCE_*}), B, the second ({@code FERRY_TARGET_*}). */
enum Side {
    A, B;

    Side other() {
        return this == A ? B : A;
    }

    /** How a report names the direction of writes into this side. */
    String into() {
        return this == A ? "B->A" : "A->B";
    }
}
