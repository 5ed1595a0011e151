package dev.mcplatencyprobe.export.prometheus;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Hands a value made on one thread (the probe's consumer, the recorder's single writer) to
 * another (a scrape) when asked, so that the consumer makes a whole-run snapshot only when
 * someone scrapes, and between two of its polls, where its recorder is consistent.
 *
 * <p>The consumer calls {@link #isRequested()} after each drain (one volatile read) and, if true,
 * {@link #publish}; a scraper calls {@link #await}, which returns a value made after its request,
 * or after {@code timeout} the newest one there is (null if none yet).
 */
public final class OnDemand<T> {
    private final Object lock = new Object();
    /** Requests so far; written under the lock, read without it by the consumer. */
    private volatile long requested;
    /** The last request the latest value answers; written under the lock. */
    private volatile long served;
    private T latest;

    public boolean isRequested() {
        return requested != served;
    }

    /** Makes the value for every request made so far; call only when {@link #isRequested()}. */
    public void publish(Supplier<T> make) {
        long seq = requested; // requests after this read get the next value
        T value = make.get();
        synchronized (lock) {
            latest = value;
            served = seq;
            lock.notifyAll();
        }
    }

    /** A value made after this call, or the newest one after {@code timeoutMs}; null if none was ever made. */
    public T await(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lock) {
            long mine = ++requested;
            long left;
            while (served < mine && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return latest;
        }
    }
}
