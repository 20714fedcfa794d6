package io.github.iothubquickstart.localhub.query;

/** One entry of a SELECT list other than {@code *}. */
sealed interface SelectItem {

    /** A twin property, named in the result by its alias or else by its last name. */
    record Property(PropertyPath path, String alias) implements SelectItem {
    }

    /** {@code COUNT() AS alias}: how many twins (in the group). */
    record Count(String alias) implements SelectItem {
    }
}
