package io.trainyard.system;

import java.util.List;

/**
 * A request that cannot be accepted as it is (400), with the problems found in it. However many
 * problems a request has (a million bad cells, a grid of a million duplicates), the answer lists at
 * most {@link #MAX_ERRORS} and says how many more there were: the client gets the same help, and
 * the server never builds a message the size of the request.
 */
public class InvalidRequestException extends RuntimeException {

    /** Entries of {@code errors} in an answer (API.md: "at most 20 entries"). */
    public static final int MAX_ERRORS = 20;
    /**
     * Characters of one field name or message; longer ones are cut and say so. Room for every message
     * the service writes itself, the longest being a memory estimate naming 32 hidden layers (about
     * 500 characters): only one that quotes a long value sent to it is cut. 300 cut that estimate's
     * remedy off.
     */
    static final int MAX_TEXT = 1_000;
    /** How far back (or on) a cut may move to fall between words. */
    private static final int WORD_SEARCH = 40;

    private final transient List<FieldError> errors;
    private final int omitted;

    public InvalidRequestException(List<FieldError> errors) {
        this(
                errors.size() > MAX_ERRORS ? errors.subList(0, MAX_ERRORS) : errors,
                Math.max(0, errors.size() - MAX_ERRORS));
    }

    public InvalidRequestException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    private InvalidRequestException(List<FieldError> kept, int omitted) {
        super(summary(kept, omitted));
        this.errors = kept.stream().map(InvalidRequestException::shortened).toList();
        this.omitted = omitted;
    }

    /** At most {@link #MAX_ERRORS} problems, in the order they were found. */
    public List<FieldError> errors() {
        return errors;
    }

    /** Problems found but left out of {@link #errors()}. */
    public int omitted() {
        return omitted;
    }

    /** Messages quote what was sent; a quoted value of a megabyte helps nobody. */
    private static FieldError shortened(FieldError error) {
        return new FieldError(shorten(error.field()), shorten(error.message()));
    }

    /**
     * The text within {@link #MAX_TEXT} characters, cut in the middle: a message names the field's
     * problem first and says what to do last, and what makes it long is the value it quotes in between
     * ({@code '99…9' is not a number}). Both cuts fall between words where there are any nearby.
     */
    static String shorten(String text) {
        if (text == null || text.length() <= MAX_TEXT) {
            return text;
        }
        int headEnd = wordBoundaryBefore(text, MAX_TEXT * 2 / 3);
        int tailStart = wordBoundaryAfter(text, text.length() - MAX_TEXT / 3);
        return text.substring(0, headEnd) + " … (" + (tailStart - headEnd) + " more characters) … "
                + text.substring(tailStart);
    }

    /** The end of the last word that ends at or before {@code index}, or {@code index} inside a long word. */
    private static int wordBoundaryBefore(String text, int index) {
        for (int i = index; i > index - WORD_SEARCH; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return index;
    }

    /** The start of the first word that starts at or after {@code index}, or {@code index} inside a long word. */
    private static int wordBoundaryAfter(String text, int index) {
        for (int i = index; i < index + WORD_SEARCH; i++) {
            if (Character.isWhitespace(text.charAt(i - 1))) {
                return i;
            }
        }
        return index;
    }

    private static String summary(List<FieldError> errors, int omitted) {
        StringBuilder text = new StringBuilder();
        for (FieldError error : errors) {
            if (!text.isEmpty()) {
                text.append("; ");
            }
            text.append(shorten(error.field())).append(": ").append(shorten(error.message()));
        }
        if (omitted > 0) {
            text.append("; and ").append(omitted).append(omitted == 1 ? " more problem" : " more problems");
        }
        return text.toString();
    }
}
