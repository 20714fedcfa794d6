package io.github.iothubquickstart.localhub.query;

/** One piece of a query's text; {@code position} (0-based) is where it starts, for error messages. */
record Token(Kind kind, String text, int position) {

    enum Kind { WORD, STRING, NUMBER, SYMBOL, END }

    boolean isWord(String word) {
        return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }

    boolean isSymbol(String symbol) {
        return kind == Kind.SYMBOL && text.equals(symbol);
    }

    /** How the token reads in an error message. */
    String describe() {
        return switch (kind) {
            case END -> "the end of the query";
            case STRING -> "the string '" + text + "'";
            default -> "'" + text + "' at character " + (position + 1);
        };
    }
}
