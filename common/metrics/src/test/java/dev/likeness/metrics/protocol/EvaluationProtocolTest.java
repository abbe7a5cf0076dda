package dev.likeness.metrics.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvaluationProtocolTest {

    @Test
    void twentyFiveDistinctPromptsPerKind() {
        assertThat(PromptTemplates.OBJECT).hasSize(25).doesNotHaveDuplicates();
        assertThat(PromptTemplates.LIVE).hasSize(25).doesNotHaveDuplicates();
        assertThat(PromptTemplates.OBJECT.subList(0, 10)).isEqualTo(PromptTemplates.LIVE.subList(0, 10));
        assertThat(PromptTemplates.OBJECT.subList(20, 25)).isEqualTo(PromptTemplates.LIVE.subList(20, 25));
        assertThat(PromptTemplates.LIVE).contains("a {0} {1} wearing a black top hat and a monocle");
        assertThat(PromptTemplates.OBJECT).contains("a {0} {1} floating in an ocean of milk");
    }

    @Test
    void promptsClassPromptsAndSeeds() {
        EvaluationProtocol p = new EvaluationProtocol("sks", "dog", SubjectKind.LIVE, 3, 100L, null);
        List<EvaluationProtocol.EvalPrompt> prompts = p.prompts();
        assertThat(prompts).hasSize(25);
        assertThat(prompts.get(0).prompt()).isEqualTo("a sks dog in the jungle");
        assertThat(prompts.get(0).classPrompt()).isEqualTo("a dog in the jungle");
        assertThat(prompts.get(24).prompt()).isEqualTo("a cube shaped sks dog");
        assertThat(prompts.get(24).classPrompt()).isEqualTo("a cube shaped dog");
        assertThat(prompts.get(5).seeds()).containsExactly(100L, 101L, 102L);
        assertThat(p.totalImages()).isEqualTo(75);
        assertThat(EvaluationProtocol.dreambooth("zwx", "backpack", SubjectKind.OBJECT).prompts().get(12).prompt())
                .isEqualTo("a zwx backpack with the Eiffel Tower in the background");
    }

    @Test
    void customTemplatesAndBadInput() {
        EvaluationProtocol p = new EvaluationProtocol("sks", "cat", SubjectKind.LIVE, 1, 0, List.of("{0} {1} art"));
        assertThat(p.prompts()).extracting(EvaluationProtocol.EvalPrompt::classPrompt).containsExactly("cat art");
        assertThatThrownBy(() -> new EvaluationProtocol(" ", "cat", SubjectKind.LIVE, 1, 0, null))
                .hasMessageContaining("identifier");
        assertThatThrownBy(() -> new EvaluationProtocol("sks", "cat", SubjectKind.LIVE, 0, 0, null))
                .hasMessageContaining("imagesPerPrompt");
        assertThatThrownBy(() -> PromptTemplates.fill("a {0}", "sks", "cat")).hasMessageContaining("{1}");
    }
}
