package io.tidemark.outbox;

import io.tidemark.outbox.payload.BoundedLruCache;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Chooses the topic of an event from the value of the routing column: when the whole value matches
 * {@code route.topic.regex}, the topic is {@code route.topic.replacement} with the regex's groups
 * substituted; otherwise the value itself is the topic (Debezium's router behaves the same way).
 * Outbox tables hold a handful of aggregate types, so topics are remembered per value.
 */
public final class TopicRouting {

    private static final Pattern GROUP_REFERENCE = Pattern.compile("\\$\\{([a-zA-Z][a-zA-Z0-9]*)}");

    private final Pattern regex;
    private final String replacement;
    private final BoundedLruCache<String, String> topicsByValue = new BoundedLruCache<>(1024);

    public TopicRouting(String regex, String replacement) {
        this.regex = compile(regex);
        this.replacement = checkReplacement(replacement);
        checkGroupsExist(this.regex, replacement);
    }

    public String topicFor(String routingValue) {
        return topicsByValue.computeIfAbsent(routingValue, value -> {
            Matcher matcher = regex.matcher(value);
            return matcher.matches() ? matcher.replaceFirst(replacement) : value;
        });
    }

    static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a valid regular expression: " + e.getDescription()
                    + " near index " + e.getIndex(), e);
        }
    }

    /**
     * Checks the replacement the way {@link Matcher#replaceFirst(String)} reads it: a backslash
     * escapes the next character, {@code $n} and {@code ${name}} refer to groups.
     */
    static String checkReplacement(String replacement) {
        if (replacement.isBlank()) {
            throw new IllegalArgumentException("a topic name cannot be empty");
        }
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c == '\\') {
                if (++i == replacement.length()) {
                    throw new IllegalArgumentException("'" + replacement + "' ends with a lone backslash");
                }
            } else if (c == '$') {
                if (i + 1 == replacement.length()) {
                    throw new IllegalArgumentException("'" + replacement + "' ends with a lone '$'");
                }
                char next = replacement.charAt(i + 1);
                if (next == '{') {
                    int close = replacement.indexOf('}', i);
                    if (close < 0 || !GROUP_REFERENCE.matcher(replacement.substring(i, close + 1)).matches()) {
                        throw new IllegalArgumentException("'" + replacement + "' has a malformed group reference at index " + i);
                    }
                    i = close;
                } else if (!Character.isDigit(next)) {
                    throw new IllegalArgumentException("'" + replacement + "': '$' must be followed by a group number or"
                            + " ${name}; write \\$ for a literal dollar");
                }
            }
        }
        return replacement;
    }

    private static void checkGroupsExist(Pattern regex, String replacement) {
        Matcher references = GROUP_REFERENCE.matcher(replacement);
        while (references.find()) {
            String group = references.group(1);
            if (!regex.pattern().contains("(?<" + group + ">")) {
                throw new IllegalArgumentException("the replacement refers to group '" + group
                        + "' which the regex '" + regex.pattern() + "' does not define");
            }
        }
        int groups = regex.matcher("").groupCount();
        Matcher numbered = Pattern.compile("(?<!\\\\)\\$(\\d)").matcher(replacement);
        while (numbered.find()) {
            if (Integer.parseInt(numbered.group(1)) > groups) {
                throw new IllegalArgumentException("the replacement refers to group " + numbered.group(1)
                        + " but the regex '" + regex.pattern() + "' has only " + groups);
            }
        }
    }
}
