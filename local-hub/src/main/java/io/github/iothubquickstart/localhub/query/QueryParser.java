package io.github.iothubquickstart.localhub.query;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the part of IoT Hub's query language the local hub answers, by recursive descent:
 * <pre>
 * query      := SELECT [TOP n] ( '*' | item (',' item)* ) FROM devices['.modules' | '.jobs'] [WHERE condition]
 *               [GROUP BY path]
 * item       := COUNT() AS name | path [AS name]
 * condition  := and (OR and)*
 * and        := unary (AND unary)*
 * unary      := NOT unary | '(' condition ')' | IS_DEFINED '(' path ')'
 *             | operand [ compare operand | [NOT] IN list | NIN list ]
 * compare    := '=' | '!=' | '&lt;&gt;' | '&lt;' | '&lt;=' | '&gt;' | '&gt;='
 * operand    := path | string | number | true | false | null | undefined
 * list       := '[' [constant (',' constant)*] ']'
 * path       := name ('.' name)*   (in FROM devices.jobs also devices.jobs.name)
 * </pre>
 * Everything else (other collections, functions, arithmetic, ORDER BY, other aggregates) is refused with a message
 * that names it, so a query is answered exactly or not at all.
 */
public final class QueryParser {
    /** IoT Hub's limit on a query's length. */
    static final int MAX_QUERY_CHARS = 8192;
    private static final Set<String> KEYWORDS = Set.of("SELECT", "FROM", "WHERE", "GROUP", "BY", "AS", "AND", "OR",
            "NOT", "IN", "NIN", "TOP", "ORDER", "HAVING", "JOIN");
    private static final Set<String> COMPARISONS = Set.of("=", "!=", "<>", "<", "<=", ">", ">=");
    private static final Set<String> ARITHMETIC = Set.of("+", "-", "*", "/", "%");
    private static final Set<String> OTHER_AGGREGATES = Set.of("AVG", "SUM", "MIN", "MAX");

    private final List<Token> tokens;
    private int at;
    private DeviceQuery.Collection collection = DeviceQuery.Collection.DEVICES;

    private QueryParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** @throws InvalidQueryException with a message naming what is wrong or not supported */
    public static DeviceQuery parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidQueryException("The query is empty; send for example SELECT * FROM devices.");
        }
        if (text.length() > MAX_QUERY_CHARS) {
            throw new InvalidQueryException("The query is " + text.length() + " characters long; IoT Hub accepts at"
                    + " most " + MAX_QUERY_CHARS + ".");
        }
        return new QueryParser(QueryLexer.tokens(text)).query();
    }

    /**
     * A WHERE clause on its own ({@code tags.environment='test'}), as a configuration's target condition is written.
     *
     * @throws InvalidQueryException with a message naming what is wrong or not supported
     */
    static Condition whereClause(String text) {
        if (text.length() > MAX_QUERY_CHARS) {
            throw new InvalidQueryException("The condition is " + text.length() + " characters long; IoT Hub accepts"
                    + " at most " + MAX_QUERY_CHARS + ".");
        }
        QueryParser parser = new QueryParser(QueryLexer.tokens(text));
        Condition condition = parser.condition();
        if (parser.peek().kind() != Token.Kind.END) {
            throw parser.unexpected("AND, OR or the end of the condition");
        }
        return condition;
    }

    private DeviceQuery query() {
        expectWord("SELECT");
        Integer top = null;
        if (acceptWord("TOP")) {
            top = topCount();
        }
        List<SelectItem> items = selectList();
        expectWord("FROM");
        collection = collection();
        Condition where = acceptWord("WHERE") ? condition() : null;
        PropertyPath groupBy = null;
        if (acceptWord("GROUP")) {
            expectWord("BY");
            groupBy = path();
        }
        if (peek().isWord("ORDER")) {
            throw unsupported("ORDER BY");
        }
        if (peek().kind() != Token.Kind.END) {
            throw unexpected("AND, OR, GROUP BY or the end of the query");
        }
        return validated(new DeviceQuery(items, top, where, groupBy, collection));
    }

    private int topCount() {
        Token count = next();
        if (count.kind() != Token.Kind.NUMBER) {
            throw new InvalidQueryException("Syntax error: TOP needs a whole number, found " + count.describe() + ".");
        }
        try {
            return new BigDecimal(count.text()).intValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidQueryException("Syntax error: TOP needs a whole number, found " + count.describe() + ".");
        }
    }

    private List<SelectItem> selectList() {
        if (acceptSymbol("*")) {
            return List.of();
        }
        List<SelectItem> items = new ArrayList<>();
        do {
            items.add(selectItem());
        } while (acceptSymbol(","));
        return items;
    }

    private SelectItem selectItem() {
        Token first = peek();
        if (first.kind() == Token.Kind.WORD && peek(1).isSymbol("(")) {
            String function = first.text().toUpperCase(Locale.ROOT);
            if (function.equals("COUNT")) {
                at += 2;
                if (!acceptSymbol(")")) {
                    throw new InvalidQueryException("Syntax error: COUNT() takes no argument, found "
                            + peek().describe() + ".");
                }
                return new SelectItem.Count(alias());
            }
            if (OTHER_AGGREGATES.contains(function)) {
                throw unsupported("the aggregate " + function + "() (only COUNT() is)");
            }
            throw unsupported("the function " + first.text() + "() in SELECT");
        }
        return new SelectItem.Property(path(), alias());
    }

    private String alias() {
        if (!acceptWord("AS")) {
            return null;
        }
        Token name = next();
        if (name.kind() != Token.Kind.WORD || isKeyword(name)) {
            throw new InvalidQueryException("Syntax error: AS needs a name, found " + name.describe() + ".");
        }
        return name.text();
    }

    /** {@code devices}, {@code devices.modules} or {@code devices.jobs}. */
    private DeviceQuery.Collection collection() {
        if (peek().kind() != Token.Kind.WORD) {
            throw unexpected("devices");
        }
        Token name = next();
        if (!name.isWord("devices")) {
            throw unsupported("FROM " + name.text() + " (the local hub queries FROM devices)");
        }
        if (acceptSymbol(".")) {
            Token part = next();
            if (part.isWord("modules")) {
                return DeviceQuery.Collection.MODULES;
            }
            if (part.isWord("jobs")) {
                return DeviceQuery.Collection.JOBS;
            }
            throw unsupported("FROM devices." + part.text()
                    + " (the local hub queries FROM devices, devices.modules or devices.jobs)");
        }
        return DeviceQuery.Collection.DEVICES;
    }

    private Condition condition() {
        Condition left = and();
        while (acceptWord("OR")) {
            left = new Condition.Or(left, and());
        }
        return left;
    }

    private Condition and() {
        Condition left = unary();
        while (acceptWord("AND")) {
            left = new Condition.And(left, unary());
        }
        return left;
    }

    private Condition unary() {
        if (acceptWord("NOT")) {
            return new Condition.Not(unary());
        }
        if (acceptSymbol("(")) {
            Condition inner = condition();
            expectSymbol(")");
            return inner;
        }
        Token first = peek();
        if (first.kind() == Token.Kind.WORD && peek(1).isSymbol("(")) {
            if (!first.isWord("IS_DEFINED")) {
                throw unsupported("the function " + first.text() + "() (only IS_DEFINED() is)");
            }
            at += 2;
            PropertyPath path = path();
            expectSymbol(")");
            return new Condition.IsDefined(path);
        }
        Operand left = operand();
        Token operator = peek();
        if (operator.kind() == Token.Kind.SYMBOL && COMPARISONS.contains(operator.text())) {
            at++;
            return new Condition.Comparison(left, operator.text(), operand());
        }
        if (operator.kind() == Token.Kind.SYMBOL && ARITHMETIC.contains(operator.text())) {
            throw unsupported("arithmetic (" + operator.text() + ")");
        }
        if (acceptWord("IN")) {
            return new Condition.In(left, list());
        }
        if (acceptWord("NIN")) {
            return new Condition.Not(new Condition.In(left, list()));
        }
        if (operator.isWord("NOT") && peek(1).isWord("IN")) {
            at += 2;
            return new Condition.Not(new Condition.In(left, list()));
        }
        if (operator.kind() == Token.Kind.WORD && !isKeyword(operator)) {
            throw unsupported("'" + operator.text() + "' (conditions use = != <> < <= > >= IN NIN NOT IN"
                    + " IS_DEFINED AND OR NOT)");
        }
        return new Condition.Truth(left);
    }

    private Operand operand() {
        Token token = peek();
        if (token.kind() == Token.Kind.WORD && !isKeyword(token)) {
            JsonElement literal = wordLiteral(token);
            if (literal != null || token.isWord("undefined")) {
                at++;
                return new Operand.Constant(literal);
            }
            return path();
        }
        if (token.isSymbol("[")) {
            throw unsupported("an array value outside IN [...]");
        }
        return new Operand.Constant(constant());
    }

    private List<JsonElement> list() {
        if (!peek().isSymbol("[")) {
            throw new InvalidQueryException("Syntax error: IN needs a list in square brackets, like IN ['a', 'b'];"
                    + " found " + peek().describe() + ".");
        }
        at++;
        List<JsonElement> values = new ArrayList<>();
        if (acceptSymbol("]")) {
            return values;
        }
        do {
            values.add(constant());
        } while (acceptSymbol(","));
        expectSymbol("]");
        return values;
    }

    /** A string, number, true, false or null. */
    private JsonElement constant() {
        Token token = next();
        boolean negative = false;
        if (token.isSymbol("-") && peek().kind() == Token.Kind.NUMBER) {
            negative = true;
            token = next();
        }
        switch (token.kind()) {
            case STRING:
                return new JsonPrimitive(token.text());
            case NUMBER:
                BigDecimal number = new BigDecimal(token.text());
                return new JsonPrimitive(negative ? number.negate() : number);
            case WORD:
                JsonElement literal = wordLiteral(token);
                if (literal != null) {
                    return literal;
                }
                break;
            default:
                break;
        }
        throw new InvalidQueryException("Syntax error: expected a value (a string, number, true, false or null),"
                + " found " + token.describe() + ".");
    }

    private static JsonElement wordLiteral(Token token) {
        if (token.isWord("true")) {
            return new JsonPrimitive(true);
        }
        if (token.isWord("false")) {
            return new JsonPrimitive(false);
        }
        if (token.isWord("null")) {
            return JsonNull.INSTANCE;
        }
        return null;
    }

    private PropertyPath path() {
        Token first = next();
        if (first.kind() != Token.Kind.WORD || isKeyword(first)) {
            throw new InvalidQueryException("Syntax error: expected a property name, found " + first.describe() + ".");
        }
        if (first.isWord("devices") && collection == DeviceQuery.Collection.JOBS && peek().isSymbol(".")
                && peek(1).isWord("jobs") && peek(2).isSymbol(".")) {
            // IoT Hub's own examples name job properties in full: devices.jobs.jobId
            at += 3;
            first = next();
            if (first.kind() != Token.Kind.WORD || isKeyword(first)) {
                throw new InvalidQueryException("Syntax error: expected a property name after devices.jobs., found "
                        + first.describe() + ".");
            }
        }
        if (first.isWord("devices")) {
            throw unsupported("names that start with devices. (write deviceId or tags.x: names start at the twin)");
        }
        List<String> names = new ArrayList<>();
        names.add(first.text());
        while (acceptSymbol(".")) {
            Token name = next();
            if (name.kind() != Token.Kind.WORD) {
                throw new InvalidQueryException("Syntax error: expected a property name after '.', found "
                        + name.describe() + ".");
            }
            names.add(name.text());
        }
        if (peek().isSymbol("[")) {
            throw unsupported("[...] after a property name (use dotted names such as tags.location.region)");
        }
        return new PropertyPath(names);
    }

    private static DeviceQuery validated(DeviceQuery query) {
        if (query.groupBy() != null && query.selectsWholeTwins()) {
            throw unsupported("SELECT * with GROUP BY (select the grouped property and COUNT() AS name)");
        }
        Set<String> names = new HashSet<>();
        boolean counts = query.items().stream().anyMatch(SelectItem.Count.class::isInstance);
        for (SelectItem item : query.items()) {
            String name;
            if (item instanceof SelectItem.Count count) {
                if (count.alias() == null) {
                    throw new InvalidQueryException("COUNT() needs a name for its result: write COUNT() AS n.");
                }
                name = count.alias();
            } else {
                SelectItem.Property property = (SelectItem.Property) item;
                if (query.groupBy() != null && !property.path().sameAs(query.groupBy())) {
                    throw new InvalidQueryException(property.path().text() + " is neither the GROUP BY property ("
                            + query.groupBy().text() + ") nor an aggregate: select only those in a grouped query.");
                }
                if (query.groupBy() == null && counts) {
                    throw new InvalidQueryException(property.path().text() + " cannot be selected beside COUNT()"
                            + " unless the query groups by it: add GROUP BY " + property.path().text() + ".");
                }
                name = property.alias() != null ? property.alias() : property.path().outputName();
            }
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
                throw new InvalidQueryException("Two results are named " + name + ": give one another name with AS.");
            }
        }
        return query;
    }

    private Token peek() {
        return peek(0);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token token = peek();
        if (token.kind() != Token.Kind.END) {
            at++;
        }
        return token;
    }

    private boolean acceptWord(String word) {
        if (peek().isWord(word)) {
            at++;
            return true;
        }
        return false;
    }

    private boolean acceptSymbol(String symbol) {
        if (peek().isSymbol(symbol)) {
            at++;
            return true;
        }
        return false;
    }

    private void expectWord(String word) {
        if (!acceptWord(word)) {
            throw unexpected(word);
        }
    }

    private void expectSymbol(String symbol) {
        if (!acceptSymbol(symbol)) {
            throw unexpected("'" + symbol + "'");
        }
    }

    private InvalidQueryException unexpected(String expected) {
        return new InvalidQueryException("Syntax error: expected " + expected + ", found " + peek().describe() + ".");
    }

    private static boolean isKeyword(Token token) {
        return token.kind() == Token.Kind.WORD && KEYWORDS.contains(token.text().toUpperCase(Locale.ROOT));
    }

    private static InvalidQueryException unsupported(String what) {
        return new InvalidQueryException("Not supported by the local hub: " + what + ".");
    }
}
