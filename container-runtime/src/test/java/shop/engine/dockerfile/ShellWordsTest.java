package shop.engine.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ShellWordsTest {

    private static final Map<String, String> VARS = Map.of("A", "one", "EMPTY", "");

    private static String expand(String text) {
        return ShellWords.expand(text, VARS::get, '\\');
    }

    @Test
    void expandsTheFormsDockerfilesUse() {
        assertThat(expand("$A ${A} x${A}y $MISSING.")).isEqualTo("one one xoney .");
        assertThat(expand("${MISSING:-def} ${EMPTY:-def} ${EMPTY-def} ${A:+alt} ${MISSING:+alt}")).isEqualTo("def def  alt ");
        assertThat(expand("'$A' \"$A\"")).isEqualTo("'$A' \"one\"");
        assertThat(ShellWords.split(expand("\\$A"), '\\')).containsExactly("$A");
    }

    @Test
    void splitsOnUnquotedWhitespaceAndRemovesQuotes() {
        assertThat(ShellWords.split("a \"b c\" 'd e' f\\ g", '\\')).containsExactly("a", "b c", "d e", "f g");
        assertThatThrownBy(() -> ShellWords.split("\"open", '\\')).hasMessageContaining("unmatched quote");
    }

    @Test
    void readsKeyValuePairsAndTheLegacyForm() {
        assertThat(ShellWords.pairs("A=1 B=\"two words\" C=", '\\', true))
                .containsExactly(Map.entry("A", "1"), Map.entry("B", "two words"), Map.entry("C", ""));
        assertThat(ShellWords.pairs("JAVA_OPTS -Xmx1g  -Dx=\"y\"", '\\', true)).containsExactly(Map.entry("JAVA_OPTS", "-Xmx1g  -Dx=y"));
        assertThatThrownBy(() -> ShellWords.pairs("A=1 B", '\\', true)).hasMessageContaining("not key=value");
    }

    @Test
    void refusesBadSubstitutions() {
        assertThatThrownBy(() -> expand("${A")).hasMessageContaining("missing '}'");
        assertThatThrownBy(() -> expand("${A B}")).hasMessageContaining("bad substitution");
    }
}
