package dev.likeness.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.events.EventData;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.jobs.ControlMessage;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.StageRequest;
import dev.likeness.contracts.render.RenderRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The JSON codec for every message type: strict parsing into records, defaults per method, and
 * serialization with a stable field order (record order, map keys sorted, absent fields omitted).
 *
 * <p>Parsing rejects anything doubtful with a {@link MessageValidationException} naming the JSON
 * path of the field: syntax errors, unknown fields, type mismatches (no string-to-number
 * coercion), missing required fields, out-of-range values and non-{@code s3://} URIs. Writing
 * validates too, so a service can never publish a message another service would reject.
 */
public final class Messages {

    private static final ObjectMapper MAPPER = createMapper();

    private Messages() {
    }

    // ---- parsing --------------------------------------------------------------------------------

    /** Reads a {@code likeness.job/v1} message and fills defaults. */
    public static PersonalizationJob parseJob(byte[] json) {
        return normalize(bind(tree(json), PersonalizationJob.class, "$"));
    }

    /** Reads a {@code likeness.job/v1} message and fills defaults. */
    public static PersonalizationJob parseJob(String json) {
        return parseJob(bytes(json));
    }

    /** Reads a {@code likeness.stage/v1} message. */
    public static StageRequest parseStageRequest(byte[] json) {
        return normalize(bind(tree(json), StageRequest.class, "$"));
    }

    /** Reads a {@code likeness.stage/v1} message. */
    public static StageRequest parseStageRequest(String json) {
        return parseStageRequest(bytes(json));
    }

    /** Reads a {@code likeness.render/v1} message and fills defaults. */
    public static RenderRequest parseRenderRequest(byte[] json) {
        return normalize(bind(tree(json), RenderRequest.class, "$"));
    }

    /** Reads a {@code likeness.render/v1} message and fills defaults. */
    public static RenderRequest parseRenderRequest(String json) {
        return parseRenderRequest(bytes(json));
    }

    /** Reads a {@code likeness.control/v1} message. */
    public static ControlMessage parseControl(byte[] json) {
        return normalize(bind(tree(json), ControlMessage.class, "$"));
    }

    /** Reads a {@code likeness.control/v1} message. */
    public static ControlMessage parseControl(String json) {
        return parseControl(bytes(json));
    }

    /** Reads a CloudEvents envelope; {@code data} is bound to the payload class its {@code type} names. */
    public static JobEvent parseEvent(byte[] json) {
        ObjectNode envelope = (ObjectNode) tree(json);
        JsonNode dataNode = envelope.remove("data");
        JobEvent e = bind(envelope, JobEvent.class, "$");
        EventData data = null;
        if (dataNode != null && !dataNode.isNull() && e.type() != null) {
            data = bind(dataNode, e.type().dataClass(), "$.data");
        }
        return normalize(new JobEvent(e.specversion(), e.id(), e.source(), e.type(), e.subject(), e.time(),
                e.sequence(), e.datacontenttype(), data));
    }

    /** Reads a CloudEvents envelope. */
    public static JobEvent parseEvent(String json) {
        return parseEvent(bytes(json));
    }

    /** Reads a message of the given record type (one of the types this class has a parse method for). */
    public static <T> T parse(byte[] json, Class<T> type) {
        Object parsed;
        if (type == PersonalizationJob.class) {
            parsed = parseJob(json);
        } else if (type == StageRequest.class) {
            parsed = parseStageRequest(json);
        } else if (type == RenderRequest.class) {
            parsed = parseRenderRequest(json);
        } else if (type == ControlMessage.class) {
            parsed = parseControl(json);
        } else if (type == JobEvent.class) {
            parsed = parseEvent(json);
        } else {
            throw new IllegalArgumentException(type.getName() + " is not a message type");
        }
        return type.cast(parsed);
    }

    // ---- defaults and validation ----------------------------------------------------------------

    /** Fills the method's defaults into every absent optional field, then validates. */
    public static PersonalizationJob normalize(PersonalizationJob job) {
        PersonalizationJob full = JobRules.withDefaults(job);
        Checker c = new Checker();
        JobRules.validate(full, c, "$");
        c.throwIfAny();
        return full;
    }

    /** Fills defaults (of the nested job too), then validates. */
    public static StageRequest normalize(StageRequest request) {
        StageRequest full = JobRules.withDefaults(request);
        Checker c = new Checker();
        JobRules.validate(full, c, "$");
        c.throwIfAny();
        return full;
    }

    /** Fills defaults, then validates. */
    public static RenderRequest normalize(RenderRequest request) {
        RenderRequest full = RenderRules.withDefaults(request);
        Checker c = new Checker();
        RenderRules.validate(full, c, "$");
        c.throwIfAny();
        return full;
    }

    /** Fills defaults, then validates. */
    public static ControlMessage normalize(ControlMessage message) {
        ControlMessage full = JobRules.withDefaults(message);
        Checker c = new Checker();
        JobRules.validate(full, c, "$");
        c.throwIfAny();
        return full;
    }

    /** Fills defaults, then validates. */
    public static JobEvent normalize(JobEvent event) {
        JobEvent full = EventRules.withDefaults(event);
        Checker c = new Checker();
        EventRules.validate(full, c, "$");
        c.throwIfAny();
        return full;
    }

    /** The default step count of a method (before any override in the job). */
    public static int defaultSteps(Method method) {
        return JobRules.defaultSteps(method);
    }

    /** The default learning rate of a method (before any override in the job). */
    public static double defaultLearningRate(Method method) {
        return JobRules.defaultLearningRate(method);
    }

    // ---- writing --------------------------------------------------------------------------------

    /** Normalizes and writes a message as compact JSON. */
    public static String toJson(Object message) {
        return new String(toBytes(message), StandardCharsets.UTF_8);
    }

    /** Normalizes and writes a message as compact UTF-8 JSON. */
    public static byte[] toBytes(Object message) {
        Object full;
        if (message instanceof PersonalizationJob j) {
            full = normalize(j);
        } else if (message instanceof StageRequest r) {
            full = normalize(r);
        } else if (message instanceof RenderRequest r) {
            full = normalize(r);
        } else if (message instanceof ControlMessage m) {
            full = normalize(m);
        } else if (message instanceof JobEvent e) {
            full = normalize(e);
        } else {
            throw new IllegalArgumentException(
                    (message == null ? "null" : message.getClass().getName()) + " is not a message type");
        }
        try {
            return MAPPER.writeValueAsBytes(full);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + full.getClass().getSimpleName(), e);
        }
    }

    // ---- internals ------------------------------------------------------------------------------

    private static ObjectMapper createMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new SimpleModule("likeness-timestamps").addDeserializer(Instant.class,
                        new TimestampDeserializer()))
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
        // no silent number/boolean -> string conversions either
        for (LogicalType t : List.of(LogicalType.Textual, LogicalType.Boolean, LogicalType.Integer,
                LogicalType.Float, LogicalType.Enum, LogicalType.DateTime)) {
            mapper.coercionConfigFor(t)
                    .setCoercion(CoercionInputShape.Integer, t == LogicalType.Integer || t == LogicalType.Float
                            ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, t == LogicalType.Float ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, t == LogicalType.Boolean ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        return mapper;
    }

    private static byte[] bytes(String json) {
        if (json == null) {
            throw new MessageValidationException("$", "message is empty", ErrorCode.MALFORMED_MESSAGE, null);
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode tree(byte[] json) {
        if (json == null || json.length == 0) {
            throw new MessageValidationException("$", "message is empty", ErrorCode.MALFORMED_MESSAGE, null);
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new MessageValidationException("$", "not valid JSON" + where + ": " + e.getOriginalMessage(),
                    ErrorCode.MALFORMED_MESSAGE, e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        if (node == null || node.isMissingNode()) {
            throw new MessageValidationException("$", "message is empty", ErrorCode.MALFORMED_MESSAGE, null);
        }
        if (!node.isObject()) {
            throw new MessageValidationException("$", "must be a JSON object, not " + node.getNodeType(),
                    ErrorCode.MALFORMED_MESSAGE, null);
        }
        return node;
    }

    private static <T> T bind(JsonNode node, Class<T> type, String base) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw translate(e, base);
        }
    }

    private static MessageValidationException translate(JsonProcessingException e, String base) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : "; known fields: "
                    + u.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
            return new MessageValidationException(path(base, u.getPath()), "unknown field '" + u.getPropertyName()
                    + "'" + known, ErrorCode.MALFORMED_MESSAGE, e);
        }
        if (e instanceof JsonMappingException m && m.getCause() instanceof InputCoercionException c) {
            return new MessageValidationException(path(base, m.getPath()), "number out of range for "
                    + describe(c.getTargetType()), ErrorCode.INVALID_PARAMETER, e);
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()
                && f.getValue() instanceof String) {
            String path = path(base, f.getPath());
            ErrorCode code = f.getTargetType() == Method.class ? ErrorCode.UNKNOWN_METHOD : ErrorCode.INVALID_PARAMETER;
            return new MessageValidationException(path, "unknown value '" + f.getValue() + "'; allowed: "
                    + allowed(f.getTargetType()), code, e);
        }
        if (e instanceof MismatchedInputException m) {
            String expected = describe(m.getTargetType());
            return new MessageValidationException(path(base, m.getPath()), "expected " + expected,
                    ErrorCode.MALFORMED_MESSAGE, e);
        }
        if (e instanceof JsonMappingException m) {
            return new MessageValidationException(path(base, m.getPath()), m.getOriginalMessage(),
                    ErrorCode.MALFORMED_MESSAGE, e);
        }
        if (e instanceof InputCoercionException c && c.getProcessor() != null) {
            String pointer = c.getProcessor().getParsingContext().pathAsPointer().toString();
            return new MessageValidationException(base + pointer.replace('/', '.'), "number out of range for "
                    + describe(c.getTargetType()), ErrorCode.INVALID_PARAMETER, e);
        }
        if (e instanceof StreamReadException r && r.getProcessor() != null) {
            String pointer = r.getProcessor().getParsingContext().pathAsPointer().toString();
            return new MessageValidationException(base + pointer.replace('/', '.'), r.getOriginalMessage(),
                    ErrorCode.MALFORMED_MESSAGE, e);
        }
        return new MessageValidationException(base, e.getOriginalMessage(), ErrorCode.MALFORMED_MESSAGE, e);
    }

    private static String path(String base, List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder(base);
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                sb.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String allowed(Class<?> enumType) {
        Object[] constants = enumType.getEnumConstants();
        return Arrays.stream(constants)
                .map(c -> c instanceof WireValue w ? w.wire() : ((Enum<?>) c).name())
                .collect(Collectors.joining(", "));
    }

    private static String describe(Class<?> t) {
        if (t == null) {
            return "another type";
        }
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
            return "an integer";
        }
        if (t == Double.class || t == double.class || t == Float.class) {
            return "a number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "a string";
        }
        if (t.isEnum()) {
            return "one of: " + allowed(t);
        }
        if (Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "an array";
        }
        if (Temporal.class.isAssignableFrom(t)) {
            return "an ISO-8601 timestamp string such as 2026-01-31T12:00:00Z";
        }
        if (Map.class.isAssignableFrom(t) || t.isRecord()) {
            return "an object";
        }
        return "a " + t.getSimpleName();
    }
}
