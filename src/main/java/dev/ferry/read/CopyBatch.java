package dev.ferry.read;

import dev.ferry.plan.TablePlan;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of rows in COPY text format, as read from the source (transforms already applied in the
 * source's SELECT), with each row's key as text (the checkpoint): written to staging with one COPY.
 */
public final class CopyBatch {

    private final List<byte[]> lines = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private long bytes;
    /** The sum of the rows' checksum hashes (when the read carries them): high and low 64 bits. */
    private long sumHigh;
    private long sumLow;
    /** The key range of a split read this batch belongs to ({@link KeyRanges}), or -1 for a read in one piece. */
    private int part = -1;

    /** The key range of a split read this batch belongs to, or -1 when the table is read in one piece. */
    public int part() {
        return part;
    }

    void part(int index) {
        part = index;
    }

    void add(byte[] line, String key) {
        lines.add(line);
        keys.add(key);
        bytes += line.length;
    }

    /** Adds a row's 64-bit checksum hash to the batch's exact sum. */
    void addHash(long hash) {
        long r = sumLow + hash;
        if (((sumLow ^ r) & (hash ^ r)) < 0) { // signed overflow: carry into the high part
            sumHigh += hash < 0 ? -1 : 1;
        }
        sumLow = r;
    }

    /** The exact sum of the rows' checksum hashes (0 when the read carried none). */
    public java.math.BigInteger hashSum() {
        return java.math.BigInteger.valueOf(sumHigh).shiftLeft(64).add(java.math.BigInteger.valueOf(sumLow));
    }

    /** Rows in the batch. */
    public int size() {
        return lines.size();
    }

    /** Bytes of COPY text in the batch. */
    public long bytes() {
        return bytes;
    }

    /** The key of the row at {@code index}. */
    String key(int index) {
        return keys.get(index);
    }

    /** The row at {@code index} as COPY text, without its line end. */
    String text(int index) {
        byte[] line = lines.get(index);
        int end = line.length - (line.length > 0 && line[line.length - 1] == '\n' ? 1 : 0);
        return new String(line, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The last row's key as text, or null for an empty batch or a table without a key. */
    public String lastKey() {
        return keys.isEmpty() ? null : keys.get(keys.size() - 1);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) as one COPY input. */
    public byte[] data(int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE, bytes));
        for (int i = from; i < to; i++) {
            out.writeBytes(lines.get(i));
        }
        return out.toByteArray();
    }

    /** The row at {@code index} as column name to text value (for the dead-letter store). */
    public Map<String, Object> row(int index, List<String> columns) {
        String text = new String(lines.get(index), java.nio.charset.StandardCharsets.UTF_8);
        List<String> values = CopyText.fields(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.size() && i < values.size(); i++) {
            row.put(columns.get(i), values.get(i));
        }
        row.put(TablePlan.KEY_FIELD, keys.get(index));
        return row;
    }
}
