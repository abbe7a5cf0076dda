package dev.likeness.worldmodels.tool;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command line for training the default world's models: {@code WorldModelsTool <command> [options]}. Each command is
 * one class {@code dev.likeness.worldmodels.<concern>.<Name>Command} with a static {@code run(String[])}; this class
 * only dispatches (add a command with one line in {@link #COMMANDS}).
 */
public final class WorldModelsTool {

    /** A command's entry point: the arguments after the command name. */
    @FunctionalInterface
    public interface Command {
        void run(String[] args) throws Exception;
    }

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("vae", dev.likeness.worldmodels.vae.VaeCommand::run);
        COMMANDS.put("base", dev.likeness.worldmodels.base.BaseCommand::run);
        COMMANDS.put("dino", dev.likeness.worldmodels.dino.DinoCommand::run);
        COMMANDS.put("clip", dev.likeness.worldmodels.clip.ClipCommand::run);
        COMMANDS.put("quality", dev.likeness.worldmodels.quality.QualityCommand::run);
    }

    private WorldModelsTool() {
    }

    /** The commands by name, in the order above: for callers that dispatch in-process ({@code likeness world}). */
    public static Map<String, Command> commands() {
        return Collections.unmodifiableMap(COMMANDS);
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            System.out.println("usage: WorldModelsTool <command> [options]; commands: " + COMMANDS.keySet());
            return;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            System.err.println("unknown command '" + args[0] + "'; commands: " + COMMANDS.keySet());
            System.exit(2);
            return;
        }
        command.run(Arrays.copyOfRange(args, 1, args.length));
    }
}
