package io.tidemark.deploy;

/** A failure the user can act on; its message is printed as it is, without a stack trace. */
public final class StackException extends RuntimeException {

    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
