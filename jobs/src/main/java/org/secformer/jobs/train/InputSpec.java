package org.secformer.jobs.train;

import java.util.Locale;

/**
 * Which text of an email is embedded, and the token budget.
 *
 * @param field {@code subject} (the subject line) or {@code subject+body} (subject, one space, first 400 body chars)
 * @param maxLength tokenizer truncation length in tokens, including [CLS] and [SEP]
 */
public record InputSpec(String field, int maxLength) {

    public static final String SUBJECT = "subject";
    public static final String SUBJECT_BODY = "subject+body";

    public InputSpec {
        if (!field.equals(SUBJECT) && !field.equals(SUBJECT_BODY)) {
            throw new IllegalArgumentException("field must be subject or subject+body: " + field);
        }
        if (maxLength < 3 || maxLength > 512) {
            throw new IllegalArgumentException("maxLength out of range: " + maxLength);
        }
    }

    /** Parses {@code field@maxLength}, e.g. {@code subject@32}. */
    public static InputSpec parse(String s) {
        int at = s.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("expected field@maxLength: " + s);
        }
        return new InputSpec(s.substring(0, at).trim().toLowerCase(Locale.ROOT), Integer.parseInt(s.substring(at + 1).trim()));
    }

    /** The text fed to the tokenizer. */
    public String text(String subject, String body) {
        if (field.equals(SUBJECT) || body == null || body.isEmpty()) {
            return subject;
        }
        return subject + " " + body;
    }

    public String text(SpamDataset.Email e) {
        return text(e.subject(), e.body());
    }

    /** Human-readable template of {@link #text}. */
    public String template() {
        return field.equals(SUBJECT) ? "{subject}" : "{subject} {body}";
    }

    @Override
    public String toString() {
        return field + "@" + maxLength;
    }
}
