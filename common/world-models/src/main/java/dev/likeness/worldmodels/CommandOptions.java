package dev.likeness.worldmodels;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code --name value} and {@code --flag} options of one {@code WorldModelsTool} command. Unknown options are
 * refused with the list of known ones: these commands run for hours, and a mistyped {@code --step 400} must not
 * silently train the default 6,000 steps.
 */
public final class CommandOptions {

    private CommandOptions() {
    }

    /**
     * Parses {@code args} of {@code command} into name → value ({@code "true"} for a flag).
     *
     * @param valued options that take a value
     * @param flags  options without a value
     * @throws IllegalArgumentException on a stray argument, an unknown option or a missing value
     */
    public static Map<String, String> parse(String command, List<String> args, Set<String> valued,
                                            Set<String> flags) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException(command + ": unexpected argument '" + a
                        + "' (options start with --)");
            }
            String name = a.substring(2);
            if (flags.contains(name)) {
                values.put(name, "true");
            } else if (valued.contains(name)) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(command + ": option --" + name + " needs a value");
                }
                values.put(name, args.get(++i));
            } else {
                Set<String> known = new TreeSet<>(valued);
                known.addAll(flags);
                throw new IllegalArgumentException(command + ": unknown option '" + a + "'; options: --"
                        + String.join(", --", known));
            }
        }
        return values;
    }

    /** The value of the required option {@code name}. */
    public static String required(String command, Map<String, String> options, String name) {
        String v = options.get(name);
        if (v == null) {
            throw new IllegalArgumentException(command + ": --" + name + " is required");
        }
        return v;
    }
}
