package dev.mcplatencyprobe.compare;

/** A file {@code compare} cannot use (missing, malformed, of another kind than the other one): the message is one line. */
public final class BadInputException extends Exception {
    public BadInputException(String message) {
        super(message);
    }
}
