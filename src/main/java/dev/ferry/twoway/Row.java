package dev.ferry.twoway;

/** A row of one side as read: its key text, the md5 of its column texts, and the texts in column order (null: not read, the row is
 * as the last run recorded it). */
record Row(String key, String hash, String[] values) {
}
