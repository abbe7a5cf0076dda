package dev.likeness.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ObjectKeyTest {

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\"\"|must not be empty",
            "/etc/passwd|must be relative",
            "jobs/../secrets|'..' segment",
            "..|'..' segment",
            "jobs/j1/..|'..' segment",
            "jobs/./j1|'.' segment",
            "jobs//j1|empty segment",
            "jobs/j1//|empty segment",
            "jobs\\j1|backslash",
    })
    void badKeysAreRejected(String key, String message) {
        assertThatThrownBy(() -> ObjectKey.of(key)).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining(message);
    }

    @Test
    void controlCharactersAndOverlongKeysAreRejected() {
        assertThatThrownBy(() -> ObjectKey.of("jobs/a\u0000b")).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("control characters").hasMessageContaining("U+0000")
                .hasMessageContaining("a\\u0000b");
        assertThatThrownBy(() -> ObjectKey.of("jobs/a\nb")).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("control");
        assertThatThrownBy(() -> ObjectKey.of("a".repeat(1025))).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("longer than 1024 bytes");
        // 1024 bytes is the limit, counted in UTF-8 (é is 2 bytes)
        assertThat(ObjectKey.of("a".repeat(1024)).value()).hasSize(1024);
        assertThatThrownBy(() -> ObjectKey.of("é".repeat(513))).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> ObjectKey.of(null)).isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void foldersResolveWithoutEscaping() {
        ObjectKey folder = ObjectKey.of("jobs/j1/");
        assertThat(folder.isFolder()).isTrue();
        assertThat(folder.resolve("inputs/0.png").value()).isEqualTo("jobs/j1/inputs/0.png");
        assertThat(folder.folder("artifacts").value()).isEqualTo("jobs/j1/artifacts/");
        assertThat(folder.resolve("inputs/0.png").relativeTo(folder)).isEqualTo("inputs/0.png");
        assertThat(folder.resolve("inputs/0.png").name()).isEqualTo("0.png");
        assertThat(folder.name()).isEqualTo("j1");
        assertThatThrownBy(() -> folder.resolve("../j2/x")).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> folder.resolve("/x")).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> ObjectKey.of("jobs/j1/a.png").resolve("b")).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("not a folder");
        assertThatThrownBy(() -> ObjectKey.of("jobs/j2/a").relativeTo(folder))
                .isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void layoutHelpers() {
        JobKeys job = ObjectKeys.job("dog-1.a_b");
        assertThat(job.root().value()).isEqualTo("jobs/dog-1.a_b/");
        assertThat(job.inputs().value()).isEqualTo("jobs/dog-1.a_b/inputs/");
        assertThat(job.classImages().value()).isEqualTo("jobs/dog-1.a_b/class-images/");
        assertThat(job.checkpoints().value()).isEqualTo("jobs/dog-1.a_b/checkpoints/");
        assertThat(job.artifacts().value()).isEqualTo("jobs/dog-1.a_b/artifacts/");
        assertThat(job.report().value()).isEqualTo("jobs/dog-1.a_b/report/");
        assertThat(job.state().value()).isEqualTo("jobs/dog-1.a_b/state.json");
        assertThat(job.input("0.png").value()).isEqualTo("jobs/dog-1.a_b/inputs/0.png");
        assertThat(job.artifact("svdiff.safetensors").value()).isEqualTo("jobs/dog-1.a_b/artifacts/svdiff.safetensors");
        assertThat(ObjectKeys.model("sd-1-5").value()).isEqualTo("models/sd-1-5/");
        assertThat(ObjectKeys.classImageCache("ab12").value()).isEqualTo("cache/class-images/ab12/");
        assertThat(ObjectKeys.svdCache("cd34").value()).isEqualTo("cache/svd/cd34/");
        assertThat(ObjectKeys.renders("r1").value()).isEqualTo("renders/r1/");

        for (String bad : new String[] {"..", "../x", "a/b", "", " j", ".hidden", "x".repeat(129)}) {
            assertThatThrownBy(() -> ObjectKeys.job(bad)).as(bad).isInstanceOf(InvalidKeyException.class)
                    .hasMessageContaining("job id");
        }
        assertThatThrownBy(() -> job.input("../../models/x")).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("must not contain '/'");
        assertThatThrownBy(() -> job.input("..")).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> job.artifact("")).isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void uris() {
        ObjectUri uri = ObjectUri.parse("s3://likeness/jobs/j1/inputs/0.png");
        assertThat(uri.bucket()).isEqualTo("likeness");
        assertThat(uri.key().value()).isEqualTo("jobs/j1/inputs/0.png");
        assertThat(uri.toString()).isEqualTo("s3://likeness/jobs/j1/inputs/0.png");
        assertThat(ObjectUri.parse("s3://likeness/models/m/").key().isFolder()).isTrue();
        for (String bad : new String[] {"https://likeness/x", "s3://likeness", "s3://likeness/", "s3:///x",
                "s3://Bad_Bucket/x", "s3://likeness/../x", "/tmp/x", null}) {
            assertThatThrownBy(() -> ObjectUri.parse(bad)).as(String.valueOf(bad))
                    .isInstanceOf(InvalidKeyException.class);
        }
    }

    @Test
    void backoffDoublesUpToTheCap() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(350));
        assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.backoff(3)).isEqualTo(Duration.ofMillis(350));
        assertThat(p.backoff(60)).isEqualTo(Duration.ofMillis(350));
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
