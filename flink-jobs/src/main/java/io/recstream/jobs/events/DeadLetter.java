package io.recstream.jobs.events;

import java.util.Arrays;
import java.util.Objects;

/**
 * A rejected input record (a Flink POJO): why, where it came from, and its bytes (up to a bounded
 * prefix).
 */
public class DeadLetter {
    private DeadLetterReason reason;
    private String detail;
    private String sourceTopic;
    private int sourcePartition;
    private long sourceOffset;
    private long sourceTimestamp;
    private byte[] raw = new byte[0];
    private int rawSize;

    public DeadLetter() {}

    public DeadLetter(
            DeadLetterReason reason,
            String detail,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset,
            long sourceTimestamp,
            byte[] raw,
            int rawSize) {
        this.reason = reason;
        this.detail = detail;
        this.sourceTopic = sourceTopic;
        this.sourcePartition = sourcePartition;
        this.sourceOffset = sourceOffset;
        this.sourceTimestamp = sourceTimestamp;
        this.raw = raw;
        this.rawSize = rawSize;
    }

    public DeadLetterReason getReason() {
        return reason;
    }

    public void setReason(DeadLetterReason reason) {
        this.reason = reason;
    }

    public String getDetail() {
        return detail;
    }

    public void setDetail(String detail) {
        this.detail = detail;
    }

    public String getSourceTopic() {
        return sourceTopic;
    }

    public void setSourceTopic(String sourceTopic) {
        this.sourceTopic = sourceTopic;
    }

    public int getSourcePartition() {
        return sourcePartition;
    }

    public void setSourcePartition(int sourcePartition) {
        this.sourcePartition = sourcePartition;
    }

    public long getSourceOffset() {
        return sourceOffset;
    }

    public void setSourceOffset(long sourceOffset) {
        this.sourceOffset = sourceOffset;
    }

    public long getSourceTimestamp() {
        return sourceTimestamp;
    }

    public void setSourceTimestamp(long sourceTimestamp) {
        this.sourceTimestamp = sourceTimestamp;
    }

    public byte[] getRaw() {
        return raw;
    }

    public void setRaw(byte[] raw) {
        this.raw = raw;
    }

    public int getRawSize() {
        return rawSize;
    }

    public void setRawSize(int rawSize) {
        this.rawSize = rawSize;
    }

    public boolean isTruncated() {
        return raw.length < rawSize;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d
                && sourcePartition == d.sourcePartition
                && sourceOffset == d.sourceOffset
                && sourceTimestamp == d.sourceTimestamp
                && rawSize == d.rawSize
                && reason == d.reason
                && Objects.equals(detail, d.detail)
                && Objects.equals(sourceTopic, d.sourceTopic)
                && Arrays.equals(raw, d.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(reason, sourceTopic, sourcePartition, sourceOffset);
    }

    @Override
    public String toString() {
        return "DeadLetter{reason="
                + reason
                + ", detail='"
                + detail
                + "', source="
                + sourceTopic
                + "/"
                + sourcePartition
                + "@"
                + sourceOffset
                + ", rawSize="
                + rawSize
                + '}';
    }
}
