package dev.likeness.worldmodels;

import dev.likeness.worldmodels.base.BaseCommand;
import dev.likeness.worldmodels.clip.ClipCommand;
import dev.likeness.worldmodels.dino.DinoCommand;
import dev.likeness.worldmodels.vae.VaeCommand;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandOptionsTest {

    private static final Set<String> VALUED = Set.of("steps", "out");
    private static final Set<String> FLAGS = Set.of("resume");

    @Test
    void readsValuesAndFlags() {
        Map<String, String> o = CommandOptions.parse("base", List.of("--steps", "400", "--resume", "--out", "x"),
                VALUED, FLAGS);
        assertThat(o).containsExactlyInAnyOrderEntriesOf(Map.of("steps", "400", "resume", "true", "out", "x"));
        assertThat(CommandOptions.required("base", o, "out")).isEqualTo("x");
        assertThatThrownBy(() -> CommandOptions.required("base", o, "vae"))
                .hasMessage("base: --vae is required");
    }

    @Test
    void refusesWhatItDoesNotKnowNamingTheKnownOptions() {
        assertThatThrownBy(() -> CommandOptions.parse("base", List.of("--step", "400"), VALUED, FLAGS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("base: unknown option '--step'; options: --out, --resume, --steps");
        assertThatThrownBy(() -> CommandOptions.parse("base", List.of("steps", "400"), VALUED, FLAGS))
                .hasMessageContaining("unexpected argument 'steps'");
        assertThatThrownBy(() -> CommandOptions.parse("base", List.of("--steps"), VALUED, FLAGS))
                .hasMessage("base: option --steps needs a value");
    }

    @Test
    void everyTrainingCommandRefusesAMistypedOptionBeforeDoingAnything() {
        assertThatThrownBy(() -> BaseCommand.run(new String[]{"--step", "3"}))
                .hasMessageStartingWith("base: unknown option '--step'").hasMessageContaining("--steps");
        assertThatThrownBy(() -> ClipCommand.run(new String[]{"--aux", "1"}))
                .hasMessageStartingWith("clip: unknown option '--aux'").hasMessageContaining("--aux-weight");
        assertThatThrownBy(() -> DinoCommand.run(new String[]{"--prototype", "1"}))
                .hasMessageStartingWith("dino: unknown option '--prototype'")
                .hasMessageContaining("--prototype-weight");
        assertThatThrownBy(() -> VaeCommand.run(new String[]{"--object", "1"}))
                .hasMessageStartingWith("vae: unknown option '--object'").hasMessageContaining("--object-weight");
    }
}
