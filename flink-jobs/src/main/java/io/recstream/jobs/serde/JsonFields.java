package io.recstream.jobs.serde;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a JSON object that a parser asked for, read in one streaming pass: no tree of the
 * whole record is built. Fields the {@link Schema} does not name are read through (so malformed
 * JSON anywhere in the record is still found, and their strings are still decoded) and dropped.
 *
 * <p>A value is a {@link String}, a {@link Long} (integers that fit), a {@link
 * java.math.BigInteger} (integers that do not), a {@link Double}, a {@link Boolean}, {@link #NULL},
 * a {@link JsonFields} (an object the schema describes), a {@link List} (an array the schema
 * describes), or a {@link Skipped} marker (an object or array the schema does not describe).
 */
final class JsonFields {

    /** JSON {@code null}. */
    static final Object NULL =
            new Object() {
                @Override
                public String toString() {
                    return "null";
                }
            };

    /** An object or array that was read through without keeping its contents. */
    enum Skipped {
        OBJECT,
        ARRAY
    }

    /** The field names a parser reads; per name, the schema of its object or array elements. */
    static final class Schema {
        private final String[] names;
        private final Schema[] children;

        private Schema(String[] names, Schema[] children) {
            this.names = names;
            this.children = children;
        }

        static Schema of(String... names) {
            return new Schema(names.clone(), new Schema[names.length]);
        }

        /**
         * The same schema where {@code name}'s object, or its array's objects, follow {@code s}.
         */
        Schema with(String name, Schema child) {
            int i = indexOf(name);
            if (i < 0) {
                throw new IllegalArgumentException("no field " + name + " in the schema");
            }
            Schema[] c = children.clone();
            c[i] = child;
            return new Schema(names, c);
        }

        int indexOf(String name) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(name)) {
                    return i;
                }
            }
            return -1;
        }
    }

    private final Schema schema;
    private final Object[] values;

    private JsonFields(Schema schema) {
        this.schema = schema;
        this.values = new Object[schema.names.length];
    }

    /**
     * The value of {@code field}, or {@code null} when the object has no such field; {@code field}
     * must be one the schema names.
     */
    Object get(String field) {
        int i = schema.indexOf(field);
        if (i < 0) {
            throw new IllegalArgumentException(
                    "'" + field + "' is not in the parser's schema, so it is never read");
        }
        return values[i];
    }

    /** The JSON type of a value, as error messages name it. */
    static String typeName(Object value) {
        if (value == null) {
            return "MISSING";
        }
        if (value == NULL) {
            return "NULL";
        }
        if (value instanceof String) {
            return "STRING";
        }
        if (value instanceof Number) {
            return "NUMBER";
        }
        if (value instanceof Boolean) {
            return "BOOLEAN";
        }
        if (value instanceof JsonFields || value == Skipped.OBJECT) {
            return "OBJECT";
        }
        return "ARRAY";
    }

    /**
     * Reads the next JSON value from {@code parser}: a {@link JsonFields} of {@code schema} when it
     * is an object, else the value itself or its {@link Skipped} marker (null when there is none).
     * Throws on malformed JSON.
     */
    static Object read(JsonParser parser, Schema schema) throws IOException {
        JsonToken t = parser.nextToken();
        if (t == null) {
            return null;
        }
        if (t == JsonToken.START_OBJECT) {
            return object(parser, schema);
        }
        return t == JsonToken.START_ARRAY ? skip(parser, t) : value(parser, t, null);
    }

    private static Object value(JsonParser p, JsonToken t, Schema child) throws IOException {
        switch (t) {
            case START_OBJECT:
                return child != null ? object(p, child) : skip(p, t);
            case START_ARRAY:
                if (child == null) {
                    return skip(p, t);
                }
                List<Object> elements = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    if (e == null) {
                        throw new JsonParseException(p, "unexpected end of input in an array");
                    }
                    elements.add(value(p, e, child));
                }
                return elements;
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? p.getBigIntegerValue()
                        : Long.valueOf(p.getLongValue());
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return NULL;
            default:
                throw new JsonParseException(p, "unexpected token " + t);
        }
    }

    private static JsonFields object(JsonParser p, Schema schema) throws IOException {
        JsonFields fields = new JsonFields(schema);
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            int i = schema.indexOf(name);
            if (i < 0) {
                skip(p, t);
            } else {
                // a repeated field: the last one counts
                fields.values[i] = value(p, t, schema.children[i]);
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new JsonParseException(p, "expected the end of an object");
        }
        return fields;
    }

    /** Reads through a value, decoding its strings, and returns what it was. */
    private static Object skip(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            p.getText();
            return null;
        }
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            return null;
        }
        Skipped what = t == JsonToken.START_OBJECT ? Skipped.OBJECT : Skipped.ARRAY;
        int depth = 1;
        while (depth > 0) {
            JsonToken n = p.nextToken();
            if (n == null) {
                throw new JsonParseException(p, "unexpected end of input");
            }
            if (n == JsonToken.START_OBJECT || n == JsonToken.START_ARRAY) {
                depth++;
            } else if (n == JsonToken.END_OBJECT || n == JsonToken.END_ARRAY) {
                depth--;
            } else if (n == JsonToken.VALUE_STRING) {
                p.getText();
            }
        }
        return what;
    }
}
