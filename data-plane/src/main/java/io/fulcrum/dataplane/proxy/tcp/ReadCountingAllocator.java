package io.fulcrum.dataplane.proxy.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Wraps a channel's receive-buffer allocator to count every byte the channel reads, including
 * bytes spliced straight to the peer socket, which never reach the pipeline as buffers and would
 * otherwise be invisible to the byte counters.
 */
final class ReadCountingAllocator implements RecvByteBufAllocator {
    private final RecvByteBufAllocator delegate;
    private long bytesRead;

    ReadCountingAllocator(RecvByteBufAllocator delegate) {
        this.delegate = delegate;
    }

    /** Bytes read since the previous call; only ever called on the channel's event loop. */
    long takeBytesRead() {
        long bytes = bytesRead;
        bytesRead = 0;
        return bytes;
    }

    @Override
    public Handle newHandle() {
        return new CountingHandle((ExtendedHandle) delegate.newHandle());
    }

    // The epoll transport requires an ExtendedHandle, so this forwards every method of one.
    private final class CountingHandle implements ExtendedHandle {
        private final ExtendedHandle handle;

        CountingHandle(ExtendedHandle handle) {
            this.handle = handle;
        }

        @Override
        public void lastBytesRead(int bytes) {
            if (bytes > 0) {
                bytesRead += bytes;
            }
            handle.lastBytesRead(bytes);
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return handle.allocate(alloc);
        }

        @Override
        public int guess() {
            return handle.guess();
        }

        @Override
        public void reset(ChannelConfig config) {
            handle.reset(config);
        }

        @Override
        public void incMessagesRead(int numMessages) {
            handle.incMessagesRead(numMessages);
        }

        @Override
        public int lastBytesRead() {
            return handle.lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            handle.attemptedBytesRead(bytes);
        }

        @Override
        public int attemptedBytesRead() {
            return handle.attemptedBytesRead();
        }

        @Override
        public boolean continueReading() {
            return handle.continueReading();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return handle.continueReading(maybeMoreDataSupplier);
        }

        @Override
        public void readComplete() {
            handle.readComplete();
        }
    }
}
