package dev.likeness.metrics.encoder;

import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ModuleList;

/** A weightless path segment of a checkpoint key ({@code encoder} in {@code encoder.layers.0...}). */
final class Container extends Module {

    <M extends Module> M add(String name, M module) {
        return child(name, module);
    }

    <M extends Module> ModuleList<M> list(String name) {
        return child(name, new ModuleList<>());
    }
}
