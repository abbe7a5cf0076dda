package dev.likeness.cli;

import dev.likeness.cli.bench.BenchCommand;
import dev.likeness.cli.render.RenderCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code likeness} command: a registry of subcommands, each a class of its own. Add a subcommand by listing its
 * class here.
 */
@Command(name = "likeness", mixinStandardHelpOptions = true, version = "likeness 0.1.0",
        description = "Personalise and run Stable Diffusion models.",
        subcommands = {
                RenderCommand.class,
                TrainCommand.class,
                BenchCommand.class,
                SubmitCommand.class,
                WatchCommand.class,
                CancelCommand.class,
                FetchCommand.class,
                DemoCommand.class,
                WorldCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class LikenessCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs the command line and returns the exit code (for in-process use and tests). */
    public static int run(String... args) {
        return new CommandLine(new LikenessCli()).execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
