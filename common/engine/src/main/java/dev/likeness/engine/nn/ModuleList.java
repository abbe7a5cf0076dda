package dev.likeness.engine.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An indexed list of sub-modules whose checkpoint keys are their positions ({@code resnets.0}, {@code to_out.0}). */
public final class ModuleList<M extends Module> extends Module {

    private final List<M> items = new ArrayList<>();

    /** Appends {@code module} under the next index and returns it. */
    public M add(M module) {
        child(Integer.toString(items.size()), module);
        items.add(module);
        return module;
    }

    /**
     * Reserves the next index without a module, for slots that hold no weights in the checkpoint (e.g. dropout at
     * {@code ff.net.1}).
     */
    public void skip() {
        items.add(null);
    }

    public M get(int index) {
        return items.get(index);
    }

    public int size() {
        return items.size();
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** The modules in index order ({@code null} for skipped slots). */
    public List<M> items() {
        return Collections.unmodifiableList(items);
    }
}
