package io.github.iothubquickstart.localhub.query;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a query into tokens: words (names and keywords), string literals in single or double quotes with IoT Hub's
 * escapes, numbers (decimal or 0x hexadecimal) and symbols. Anything else is refused with its position.
 * <p>
 * Names are IoT Hub's: letters, digits, {@code _} and {@code $} ({@code $version}, {@code $metadata}), with
 * hyphens inside ({@code KeyQuery5b1c2d3e-1f0a-...}, as the SDKs' tests name properties after a UUID), and after a
 * dot a name may start with a digit ({@code tags.2nd}). A hyphen therefore belongs to a name unless a space parts
 * it from the name before it: {@code a - b} is a subtraction, {@code a-b} one name.
 */
final class QueryLexer {
    private static final List<String> SYMBOLS = List.of("!=", "<>", "<=", ">=", "=", "<", ">", "(", ")", "[", "]",
            ",", ".", "*", "+", "-", "/", "%");

    private final String text;
    private int at;

    private QueryLexer(String text) {
        this.text = text;
    }

    static List<Token> tokens(String text) {
        return new QueryLexer(text).all();
    }

    private List<Token> all() {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            if (at >= text.length()) {
                tokens.add(new Token(Token.Kind.END, "", at));
                return tokens;
            }
            tokens.add(next(tokens.isEmpty() ? null : tokens.get(tokens.size() - 1)));
        }
    }

    private Token next(Token previous) {
        char c = text.charAt(at);
        int start = at;
        boolean nameAfterDot = previous != null && previous.isSymbol(".") && previous.position() + 1 == at
                && isNamePart(c);
        if (Character.isLetter(c) || c == '_' || c == '$' || nameAfterDot) {
            return name(start);
        }
        boolean dotAfterName = previous != null && previous.kind() == Token.Kind.WORD
                && previous.position() + previous.text().length() == at;
        if (Character.isDigit(c) || (c == '.' && !dotAfterName && at + 1 < text.length()
                && Character.isDigit(text.charAt(at + 1)))) {
            return number(start);
        }
        if (c == '\'' || c == '"') {
            return string(start, c);
        }
        for (String symbol : SYMBOLS) {
            if (text.startsWith(symbol, at)) {
                at += symbol.length();
                return new Token(Token.Kind.SYMBOL, symbol, start);
            }
        }
        throw new InvalidQueryException("Syntax error: unexpected character '" + c + "' at character " + (start + 1)
                + ".");
    }

    /** A name: its characters, and each hyphen that has a name character right after it. */
    private Token name(int start) {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (isNamePart(c)) {
                at++;
            } else if (c == '-' && at + 1 < text.length() && isNamePart(text.charAt(at + 1))) {
                at += 2;
            } else {
                break;
            }
        }
        return new Token(Token.Kind.WORD, text.substring(start, at), start);
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private Token number(int start) {
        if (text.startsWith("0x", at) || text.startsWith("0X", at)) {
            at += 2;
            int digits = at;
            while (at < text.length() && Character.digit(text.charAt(at), 16) >= 0) {
                at++;
            }
            if (at == digits) {
                throw new InvalidQueryException("Syntax error: a hexadecimal number needs digits after 0x (character "
                        + (start + 1) + ").");
            }
            return new Token(Token.Kind.NUMBER, new BigInteger(text.substring(digits, at), 16).toString(),
                    start);
        }
        while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) {
            at++;
        }
        if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
            at++;
            if (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
                at++;
            }
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
        }
        String number = text.substring(start, at);
        try {
            new BigDecimal(number);
        } catch (NumberFormatException e) {
            throw new InvalidQueryException("Syntax error: '" + number + "' at character " + (start + 1)
                    + " is not a number.");
        }
        if (at < text.length() && isNamePart(text.charAt(at))) {
            throw new InvalidQueryException("Syntax error: unexpected '" + text.charAt(at) + "' after the number at"
                    + " character " + (start + 1) + ".");
        }
        return new Token(Token.Kind.NUMBER, number, start);
    }

    private Token string(int start, char quote) {
        StringBuilder value = new StringBuilder();
        at++;
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == quote) {
                return new Token(Token.Kind.STRING, value.toString(), start);
            }
            if (c != '\\') {
                value.append(c);
                continue;
            }
            if (at >= text.length()) {
                break;
            }
            char escaped = text.charAt(at++);
            switch (escaped) {
                case '\'', '"', '\\', '/' -> value.append(escaped);
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'u' -> value.append(unicodeEscape(start));
                default -> throw new InvalidQueryException("Syntax error: unknown escape \\" + escaped
                        + " in the string at character " + (start + 1) + ".");
            }
        }
        throw new InvalidQueryException("Syntax error: the string starting at character " + (start + 1)
                + " is not closed.");
    }

    private char unicodeEscape(int start) {
        if (at + 4 > text.length()) {
            throw new InvalidQueryException("Syntax error: \\u needs 4 hexadecimal digits (string at character "
                    + (start + 1) + ").");
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(at + i), 16);
            if (digit < 0) {
                throw new InvalidQueryException("Syntax error: \\u needs 4 hexadecimal digits (string at character "
                        + (start + 1) + ").");
            }
            code = code * 16 + digit;
        }
        at += 4;
        return (char) code;
    }
}
