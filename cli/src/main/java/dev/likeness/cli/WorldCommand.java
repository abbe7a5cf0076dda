package dev.likeness.cli;

import dev.likeness.world.tool.WorldTool;
import dev.likeness.worldmodels.tool.WorldModelsTool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code likeness world COMMAND [options]}: the default world's two tools behind one command. {@code dataset},
 * {@code subjects}, {@code tokenizer} and {@code sheet} go to {@link WorldTool}, the rest ({@code vae}, {@code base},
 * {@code clip}, {@code dino}, {@code quality}) to {@link WorldModelsTool}; the options after the command reach the
 * tool unchanged, so the tools' own usage applies.
 */
@Command(name = "world", mixinStandardHelpOptions = true, modelTransformer = WorldCommand.PassThrough.class,
        description = {
                "Build the default world's files and models: COMMAND [options] runs that command of WorldTool "
                        + "or WorldModelsTool, the options passed through unchanged (docs/world.md lists them).",
                "WorldTool:       dataset, subjects, tokenizer, sheet",
                "WorldModelsTool: vae, base, dino, clip, quality (these train or load models)",
                "Example: likeness world sheet --out sheet.png --count 16"})
public final class WorldCommand implements Callable<Integer> {

    static final List<String> WORLD_TOOL_COMMANDS = List.copyOf(WorldTool.COMMANDS.keySet());

    /**
     * The tools parse their own {@code --name value} options, so everything after COMMAND must reach them as
     * positional parameters instead of being rejected by picocli as unknown options.
     */
    static final class PassThrough implements CommandLine.IModelTransformer {
        @Override
        public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
            spec.parser().stopAtPositional(true);
            return spec;
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "COMMAND", description = "a WorldTool or WorldModelsTool "
            + "command (listed above)")
    String command;

    @Parameters(index = "1..*", paramLabel = "OPTION", description = "the command's options, passed through")
    List<String> options = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        boolean worldTool = command != null && WORLD_TOOL_COMMANDS.contains(command);
        WorldModelsTool.Command model = command == null ? null : WorldModelsTool.commands().get(command);
        if (!worldTool && model == null) {
            err.println((command == null ? "likeness world needs a command" : "unknown world command '" + command
                    + "'") + "; commands: " + String.join(", ", WORLD_TOOL_COMMANDS) + " (WorldTool), "
                    + String.join(", ", WorldModelsTool.commands().keySet()) + " (WorldModelsTool)");
            return 2;
        }
        try {
            if (worldTool) {
                List<String> args = new ArrayList<>(options);
                args.add(0, command);
                WorldTool.main(args.toArray(String[]::new));
            } else {
                // straight to the command: its name is checked above, and WorldModelsTool.main's check System.exits
                model.run(options.toArray(String[]::new));
            }
        } catch (IllegalArgumentException e) {
            // the tools report bad options this way: a usage error, not a crash
            err.println("likeness world " + command + ": " + e.getMessage());
            return 2;
        }
        return 0;
    }
}
