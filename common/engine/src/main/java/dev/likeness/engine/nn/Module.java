package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * A tree of named sub-modules and parameters whose dotted paths are exactly the checkpoint keys
 * ({@code down_blocks.1.attentions.0.proj_in.weight}), so loading a checkpoint is a walk over names. Subclasses
 * register children with {@link #child} and weights with {@link #parameter} in their constructor (registration order
 * is kept), then implement their own {@code forward} with whatever signature fits.
 */
public abstract class Module {

    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();

    protected <M extends Module> M child(String name, M module) {
        if (children.containsKey(name) || parameters.containsKey(name)) {
            throw new IllegalStateException("duplicate child name '" + name + "' in " + getClass().getSimpleName());
        }
        children.put(name, module);
        return module;
    }

    protected Parameter parameter(String name, Shape shape) {
        if (children.containsKey(name) || parameters.containsKey(name)) {
            throw new IllegalStateException("duplicate parameter name '" + name + "' in "
                    + getClass().getSimpleName());
        }
        Parameter p = new Parameter(name, shape);
        parameters.put(name, p);
        return p;
    }

    /** Direct children, in registration order. */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Direct parameters, in registration order. */
    public Map<String, Parameter> localParameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** Every parameter below this module keyed by its full dotted path, depth-first in registration order. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }

    private void collectParameters(String prefix, Map<String, Parameter> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, c) -> c.collectParameters(prefix + n + ".", out));
    }

    /** Every module below (and including, under key "") this one keyed by its dotted path. */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String path, Map<String, Module> out) {
        out.put(path, this);
        children.forEach((n, c) -> c.collectModules(path.isEmpty() ? n : path + "." + n, out));
    }

    /** Sets every parameter trainable or frozen. */
    public void setTrainable(boolean trainable) {
        namedParameters().values().forEach(p -> p.setTrainable(trainable));
    }

    /** Sets trainable exactly the parameters whose full path matches, freezing all others. */
    public void setTrainableOnly(Predicate<String> path) {
        namedParameters().forEach((n, p) -> p.setTrainable(path.test(n)));
    }

    public long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.shape().size();
        }
        return n;
    }

    /**
     * Fills every parameter from {@code source} (full path → array). Strict: a missing key, an unexpected key or a
     * shape mismatch fails, naming every offending key.
     *
     * @param source  returns the array for a key in {@code manager}, or {@code null} if absent
     * @param keys    all keys the source holds (to detect unexpected ones)
     */
    public void loadStateDict(Iterable<String> keys, BiFunction<String, Shape, NDArray> source) {
        Map<String, Parameter> named = namedParameters();
        List<String> unexpected = new ArrayList<>();
        for (String k : keys) {
            if (!named.containsKey(k)) {
                unexpected.add(k);
            }
        }
        List<String> missing = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            NDArray a = source.apply(e.getKey(), e.getValue().shape());
            if (a == null) {
                missing.add(e.getKey());
                continue;
            }
            if (!a.getShape().equals(e.getValue().shape())) {
                misShaped.add(e.getKey() + " (expected " + e.getValue().shape() + ", checkpoint has " + a.getShape()
                        + ")");
                a.close();
                continue;
            }
            e.getValue().set(a);
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !misShaped.isEmpty()) {
            StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append(": checkpoint does not match the model.");
            if (!missing.isEmpty()) {
                sb.append(" Missing keys: ").append(missing).append('.');
            }
            if (!unexpected.isEmpty()) {
                sb.append(" Unexpected keys: ").append(unexpected).append('.');
            }
            if (!misShaped.isEmpty()) {
                sb.append(" Mis-shaped keys: ").append(misShaped).append('.');
            }
            throw new IllegalArgumentException(sb.toString());
        }
    }

    /** The stored arrays keyed by full path (not copies; overrides are ignored). */
    public Map<String, NDArray> stateDict() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        namedParameters().forEach((n, p) -> out.put(n, p.array()));
        return out;
    }

    /** Moves every stored array to {@code manager} (e.g. a long-lived model manager). */
    public void attachAll(NDManager manager) {
        for (Parameter p : namedParameters().values()) {
            if (p.array() != null) {
                p.array().attach(manager);
            }
        }
    }
}
