package io.trainyard.system;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jackson's words for a body it could not parse, in the client's terms: what JSON does not allow,
 * and the parser's limits as plain numbers. Jackson's own messages name its classes and settings
 * ("enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow", "from
 * `StreamReadConstraints.getMaxNestingDepth()`", "Feature 'ALLOW_COMMENTS' not enabled"): advice to
 * whoever configures the parser, which a client can neither follow nor needs to know about.
 */
final class ParserMessages {

    private ParserMessages() {}

    /** An opening bracket's location: "(start marker at [Source: …; line: 1, column: 7])", "(for Object starting at […])". */
    private static final Pattern OPENED_AT =
            Pattern.compile("\\s*\\((?:start marker at|for (?:Object|Array) starting at) \\[Source: [^\\]]*\\]\\)");

    private static final Pattern LINE_AND_COLUMN = Pattern.compile("line: (\\d+), column: (\\d+)");

    /** A parser limit: "Number value length (1002) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNumberLength()`)". */
    private static final Pattern LIMIT = Pattern.compile(
            "(Number value length|Name length|String value length|Document nesting depth) \\(\\d+\\) exceeds the maximum"
                    + " allowed \\((\\d+), from `StreamReadConstraints\\.\\w+\\(\\)`\\)");

    /** How Jackson names its own classes, settings and input: "`JsonReadFeature.X`", "Feature 'X'", "[Source: …". */
    private static final Pattern INTERNAL =
            Pattern.compile("`[A-Za-z_$][\\w$]*(?:\\.[\\w$]+)+(?:\\(\\))?`|Feature '\\w+'|\\[Source: |#UNKNOWN");

    private static final String PLUS_SIGN = "JSON spec does not allow numbers to have plus signs";

    private static final String COMMENT =
            ": maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)";

    private static final String RECORD_SEPARATOR =
            " (consider enabling `JsonReadFeature.ALLOW_RS_CONTROL_CHAR` to allow use of Record Separators (\\u001E))";

    /**
     * The parser's message as a client may read it: its limits and what JSON does not allow said
     * plainly, an opening bracket's location as its line and column (or not at all where the parser
     * does not know them), and nothing that names a class or a setting of the parser.
     */
    static String plain(String message) {
        if (message == null) {
            return "";
        }
        if (message.contains(PLUS_SIGN)) {
            return "a number may not start with '+'";
        }
        Matcher limit = LIMIT.matcher(message);
        if (limit.find()) {
            String max = String.format(Locale.ROOT, "%,d", Long.parseLong(limit.group(2)));
            return switch (limit.group(1)) {
                case "Number value length" -> "a number has at most " + max + " digits";
                case "Name length" -> "a property name has at most " + max + " characters";
                case "String value length" -> "a string has at most " + max + " characters";
                default -> "at most " + max + " levels of nesting (arrays and objects inside one another)";
            };
        }
        String plain =
                openedAt(message.replace(COMMENT, ": JSON has no comments").replace(RECORD_SEPARATOR, ""));
        return withoutInternals(plain);
    }

    /** Where the parser says where a bracket was opened, only its line and column stay. */
    private static String openedAt(String message) {
        Matcher marker = OPENED_AT.matcher(message);
        StringBuilder plain = new StringBuilder();
        while (marker.find()) {
            Matcher at = LINE_AND_COLUMN.matcher(marker.group());
            marker.appendReplacement(
                    plain,
                    at.find()
                            ? Matcher.quoteReplacement(
                                    " (opened at line " + at.group(1) + ", column " + at.group(2) + ")")
                            : "");
        }
        marker.appendTail(plain);
        return plain.toString();
    }

    /**
     * A message no rule above knew (a newer Jackson's, say) keeps only what comes before the first
     * clause that names a class or setting of the parser: less said, nothing internal.
     */
    private static String withoutInternals(String message) {
        Matcher internal = INTERNAL.matcher(message);
        if (!internal.find()) {
            return message;
        }
        int at = internal.start();
        int clause = Math.max(message.lastIndexOf(": ", at), message.lastIndexOf(" (", at));
        return clause < 0 ? "" : message.substring(0, clause).strip();
    }
}
