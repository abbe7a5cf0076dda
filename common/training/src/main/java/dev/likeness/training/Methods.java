package dev.likeness.training;

import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Finds a {@link FineTuningMethod} implementation by its id. Each call returns a new instance. */
public final class Methods {

    // Classes are looked up by name so that a method can live in its own package without a compile-time cycle.
    private static final Map<String, String> CLASSES = new LinkedHashMap<>();

    static {
        CLASSES.put("dreambooth", "dev.likeness.training.method.dreambooth.DreamBooth");
        CLASSES.put("textual-inversion", "dev.likeness.training.method.textualinversion.TextualInversionMethod");
        CLASSES.put("svdiff", "dev.likeness.training.method.svdiff.SvdiffMethod");
        CLASSES.put("lora", "dev.likeness.training.method.lora.LoraMethod");
    }

    private Methods() {
    }

    public static Set<String> ids() {
        return CLASSES.keySet();
    }

    /** A new instance of the method {@code id}; unknown ids fail with the list of valid ones. */
    public static FineTuningMethod byId(String id) {
        String className = CLASSES.get(id);
        if (className == null) {
            throw new IllegalArgumentException("unknown fine-tuning method '" + id + "'; valid methods: "
                    + String.join(", ", CLASSES.keySet()));
        }
        try {
            Class<?> c = Class.forName(className);
            return (FineTuningMethod) c.getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("fine-tuning method '" + id + "' is not available in this build ("
                    + className + " missing)", e);
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException(className + " needs a public no-argument constructor", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot create " + className + ": " + e.getCause(), e.getCause());
        }
    }
}
