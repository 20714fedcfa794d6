package io.github.iothubquickstart.localhub.query;

/**
 * The three truth values of IoT Hub's query language (as in Cosmos DB's SQL, which it follows): a comparison with
 * a missing property, or between values of different types, is undefined, and only {@code TRUE} selects a twin.
 */
enum Logic {
    TRUE, FALSE, UNDEFINED;

    static Logic of(boolean value) {
        return value ? TRUE : FALSE;
    }

    Logic and(Logic other) {
        if (this == FALSE || other == FALSE) {
            return FALSE;
        }
        return this == TRUE && other == TRUE ? TRUE : UNDEFINED;
    }

    Logic or(Logic other) {
        if (this == TRUE || other == TRUE) {
            return TRUE;
        }
        return this == FALSE && other == FALSE ? FALSE : UNDEFINED;
    }

    Logic not() {
        return switch (this) {
            case TRUE -> FALSE;
            case FALSE -> TRUE;
            case UNDEFINED -> UNDEFINED;
        };
    }
}
