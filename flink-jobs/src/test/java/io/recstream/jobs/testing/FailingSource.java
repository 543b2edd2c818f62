package io.recstream.jobs.testing;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Wraps a source so that its reader throws once, after a checkpoint has completed and some more
 * records have been emitted: a failure between checkpoints, with records already written to open
 * transactions. The flag is static (per test JVM), so the restarted job does not fail again.
 */
public final class FailingSource<T, SplitT extends SourceSplit, EnumChkT>
        implements Source<T, SplitT, EnumChkT>, ResultTypeQueryable<T> {

    /** Set once the failure has been injected. */
    public static final AtomicBoolean FAILED = new AtomicBoolean();

    private final Source<T, SplitT, EnumChkT> delegate;
    private final TypeInformation<T> type;
    private final int recordsAfterCheckpoint;

    public FailingSource(
            Source<T, SplitT, EnumChkT> delegate,
            TypeInformation<T> type,
            int recordsAfterCheckpoint) {
        this.delegate = delegate;
        this.type = type;
        this.recordsAfterCheckpoint = recordsAfterCheckpoint;
    }

    @Override
    public Boundedness getBoundedness() {
        return delegate.getBoundedness();
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> createEnumerator(SplitEnumeratorContext<SplitT> ctx)
            throws Exception {
        return delegate.createEnumerator(ctx);
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> restoreEnumerator(
            SplitEnumeratorContext<SplitT> ctx, EnumChkT checkpoint) throws Exception {
        return delegate.restoreEnumerator(ctx, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<SplitT> getSplitSerializer() {
        return delegate.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<EnumChkT> getEnumeratorCheckpointSerializer() {
        return delegate.getEnumeratorCheckpointSerializer();
    }

    @Override
    public SourceReader<T, SplitT> createReader(SourceReaderContext ctx) throws Exception {
        return new Reader<>(delegate.createReader(ctx), recordsAfterCheckpoint);
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return type;
    }

    private static final class Reader<T, SplitT extends SourceSplit>
            implements SourceReader<T, SplitT> {
        private final SourceReader<T, SplitT> delegate;
        private final int recordsAfterCheckpoint;
        private volatile boolean checkpointed;
        private int emittedSinceCheckpoint;

        Reader(SourceReader<T, SplitT> delegate, int recordsAfterCheckpoint) {
            this.delegate = delegate;
            this.recordsAfterCheckpoint = recordsAfterCheckpoint;
        }

        @Override
        public void start() {
            delegate.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            InputStatus status = delegate.pollNext(output);
            if (checkpointed && status == InputStatus.MORE_AVAILABLE) {
                emittedSinceCheckpoint++;
                if (emittedSinceCheckpoint >= recordsAfterCheckpoint
                        && FAILED.compareAndSet(false, true)) {
                    throw new RuntimeException("Injected failure after a completed checkpoint");
                }
            }
            return status;
        }

        @Override
        public List<SplitT> snapshotState(long checkpointId) {
            return delegate.snapshotState(checkpointId);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return delegate.isAvailable();
        }

        @Override
        public void addSplits(List<SplitT> splits) {
            delegate.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            delegate.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent event) {
            delegate.handleSourceEvents(event);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            delegate.notifyCheckpointComplete(checkpointId);
            checkpointed = true;
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            delegate.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void pauseOrResumeSplits(Collection<String> toPause, Collection<String> toResume) {
            delegate.pauseOrResumeSplits(toPause, toResume);
        }

        @Override
        public void close() throws Exception {
            delegate.close();
        }
    }
}
