package dev.likeness.world.tool;

import dev.likeness.world.dataset.DatasetExporter;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldConfig;
import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.world.image.ContactSheet;
import dev.likeness.world.image.RgbImage;
import dev.likeness.world.subject.SubjectBundle;
import dev.likeness.world.tokenizer.WorldTokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command line for the world's files:
 *
 * <pre>
 * dataset   --out DIR [--split train|held-out|all] [--from 0] [--count 1000] [--size 64] [--seed S]
 * subjects  --out DIR [--size 64]        (the bundled set: --out common/world/src/main/resources/dev/likeness/world/subjects)
 * tokenizer --out DIR [--vocab 1024]
 * sheet     --out FILE.png [--split train] [--count 48] [--size 64] [--seed S]
 * </pre>
 */
public final class WorldTool {

    /** The commands, in the order of the usage text, each with its usage line. */
    public static final Map<String, String> COMMANDS = usage();

    private WorldTool() {
    }

    private static Map<String, String> usage() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("dataset", "dataset   --out DIR [--split train|held-out|all] [--from 0] [--count 1000] [--size 64] "
                + "[--seed S]");
        m.put("subjects", "subjects  --out DIR [--size 64]");
        m.put("tokenizer", "tokenizer --out DIR [--vocab 1024]");
        m.put("sheet", "sheet     --out FILE.png [--split train] [--count 48] [--size 64] [--seed S]");
        return Collections.unmodifiableMap(m);
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: WorldTool " + String.join("|", COMMANDS.keySet())
                    + " --out PATH [options]");
        }
        if (!COMMANDS.containsKey(args[0])) {
            throw new IllegalArgumentException("unknown command '" + args[0] + "'; commands: "
                    + String.join(", ", COMMANDS.keySet()));
        }
        if (args.length == 2 && (args[1].equals("--help") || args[1].equals("-h"))) {
            System.out.println("usage: WorldTool " + COMMANDS.get(args[0]));
            return;
        }
        Map<String, String> opt = options(args);
        Path out = Path.of(require(opt, "out"));
        int size = Integer.parseInt(opt.getOrDefault("size", "64"));
        switch (args[0]) {
            case "dataset" -> {
                WorldDataset ds = dataset(opt, size);
                int n = DatasetExporter.export(ds, Long.parseLong(opt.getOrDefault("from", "0")),
                        Integer.parseInt(opt.getOrDefault("count", "1000")), out);
                System.out.println("wrote " + n + " samples to " + out);
            }
            case "subjects" -> {
                SubjectBundle.export(out, size);
                System.out.println("wrote subject photos to " + out);
            }
            case "tokenizer" -> {
                WorldTokenizer.Result r = WorldTokenizer.build(Integer.parseInt(opt.getOrDefault("vocab", "1024")));
                r.write(out);
                System.out.println("wrote a " + r.vocabSize() + "-token tokenizer (" + r.merges().size()
                        + " merges) to " + out);
            }
            case "sheet" -> {
                WorldDataset ds = dataset(opt, size);
                int count = Integer.parseInt(opt.getOrDefault("count", "48"));
                List<RgbImage> images = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    images.add(ds.sample(i).image());
                    System.out.println(i + ": " + ds.caption(i));
                }
                ContactSheet.of(images, 8, Math.max(1, 128 / size), 4).writePng(out);
            }
            default -> throw new IllegalStateException("command '" + args[0] + "' is listed but not handled");
        }
    }

    private static WorldDataset dataset(Map<String, String> opt, int size) {
        WorldConfig config = WorldConfig.defaults().withImageSize(size);
        if (opt.containsKey("seed")) {
            config = config.withSeed(Long.parseLong(opt.get("seed")));
        }
        return new WorldDataset(config, Split.ofId(opt.getOrDefault("split", "train")));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs after the command, got '"
                        + args[i] + "'");
            }
            m.put(args[i].substring(2), args[i + 1]);
        }
        return m;
    }

    private static String require(Map<String, String> opt, String name) {
        String v = opt.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return v;
    }
}
