package dev.ferry.twoway;

/**
 * What the last successful run left of one row on each side: its key there and the hash of what that side
 * held (null: the side held no row, as after a manual delete-against-update conflict). With a natural key
 * the two keys differ and the pairs are the table's id map.
 */
final class Pair {
    /** The state row's id, 0 for a pair this run made. */
    final long id;
    String aKey;
    String bKey;
    String aHash;
    String bHash;
    /** The pair is gone: the row was deleted on both sides. */
    boolean dropped;

    Pair(long id, String aKey, String bKey, String aHash, String bHash) {
        this.id = id;
        this.aKey = aKey;
        this.bKey = bKey;
        this.aHash = aHash;
        this.bHash = bHash;
    }

    Pair copy() {
        return new Pair(id, aKey, bKey, aHash, bHash);
    }

    String key(Side side) {
        return side == Side.A ? aKey : bKey;
    }

    String hash(Side side) {
        return side == Side.A ? aHash : bHash;
    }

    void set(Side side, String key, String hash) {
        if (side == Side.A) {
            aKey = key;
            aHash = hash;
        } else {
            bKey = key;
            bHash = hash;
        }
    }

    boolean sameAs(Pair o) {
        return java.util.Objects.equals(aKey, o.aKey) && java.util.Objects.equals(bKey, o.bKey)
                && java.util.Objects.equals(aHash, o.aHash) && java.util.Objects.equals(bHash, o.bHash) && !dropped;
    }
}
